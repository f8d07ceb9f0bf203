import { Body, Controller, Get, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import { apiDoc } from '../support/api-docs';
import { bearerTokenMatches } from '../support/bearer-token';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { ConsoleHttp, htmlPage } from './console-http';
import { loginPage } from './console-pages';
import { ConsoleRefusalFilter } from './console-refusal.filter';
import { type ConsoleRequest, sameOrigin } from './console-request';
import { sessionCookie, sessionValue } from './console-session';

/**
 * The console's open door: the login form, which trades the admin token for a session cookie,
 * and the logout. Everything else of the console is behind {@link ConsoleTokenGuard}.
 */
@Controller()
@UseFilters(ConsoleRefusalFilter)
@apiDoc('ApiExcludeController')
export class ConsoleLoginController {
  constructor(
    private readonly http: ConsoleHttp,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  /** `GET /<console>/login` — the form. */
  @Get('login')
  @htmlPage()
  form(@Req() request: ConsoleRequest): string {
    return loginPage(this.http.base(request));
  }

  /** `POST /<console>/login` `token=…` — sets the session cookie and goes to the overview; 401 and the form again on a wrong token. */
  @Post('login')
  login(@Req() request: ConsoleRequest, @Res() response: unknown, @Body() body: { token?: unknown } = {}): void {
    const base = this.http.base(request);
    const token = this.options.admin ? this.options.admin.token : undefined;
    const given = typeof body?.token === 'string' ? body.token : '';
    // A login forged by another site would sign the operator in to the forger's session: same origin only.
    if (!sameOrigin(request))
      return this.http.html(response, 403, loginPage(base, 'Log in from the console’s own page.'));
    if (!token || !bearerTokenMatches(`Bearer ${given}`, token)) {
      return this.http.html(response, 401, loginPage(base, 'That is not the admin token.'));
    }
    this.http.redirect(response, base, sessionCookie(sessionValue(token), base, request.protocol === 'https'));
  }

  /** `POST /<console>/logout` — clears the cookie. */
  @Post('logout')
  logout(@Req() request: ConsoleRequest, @Res() response: unknown): void {
    const base = this.http.base(request);
    this.http.redirect(response, `${base}/login`, sessionCookie(undefined, base, request.protocol === 'https'));
  }
}
