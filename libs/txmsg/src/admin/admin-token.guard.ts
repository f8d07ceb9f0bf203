import { type CanActivate, type ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { bearerTokenMatches } from '../support/bearer-token';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';

/**
 * Admits a request with `Authorization: Bearer <token>`, the token of the `admin` option, and
 * refuses every other with 401 (the token is compared in constant time). Without a configured
 * token it admits nobody. It guards the library's admin API; a service may put it on its own
 * operator routes too (`@UseGuards(AdminTokenGuard)` in an application importing TxMsgModule),
 * so one token protects both.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.options.admin ? this.options.admin.token : undefined;
    if (!expected) throw new UnauthorizedException('the txmsg admin API is disabled: no admin token is configured');
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    if (!bearerTokenMatches(request.headers.authorization, expected)) {
      throw new UnauthorizedException('a valid admin bearer token is required');
    }
    return true;
  }
}
