import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Injectable } from '@nestjs/common';
import { escapeHtml, page } from './console-html';
import { ConsoleHttp } from './console-http';
import type { ConsoleRequest } from './console-request';
import { loginPage } from './console-pages';

/**
 * Console refusals as pages: a GET without the token answers 401 with the login form, so an
 * operator following a link lands where they can log in; any other refusal (a bad parameter, a
 * cross-site POST, a message not found) answers its status with its message.
 */
@Catch(HttpException)
@Injectable()
export class ConsoleRefusalFilter implements ExceptionFilter {
  constructor(private readonly http: ConsoleHttp) {}

  catch(exception: HttpException, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<ConsoleRequest>();
    const response = host.switchToHttp().getResponse<unknown>();
    const status = exception.getStatus();
    const base = this.http.base(request);
    if (status === 401 && request.method === 'GET') return this.http.html(response, 401, loginPage(base));
    const answer = exception.getResponse();
    const message =
      typeof answer === 'object' && answer !== null && 'message' in answer ? String(answer.message) : exception.message;
    const body = `<h1>${status}</h1><p class="error">${escapeHtml(message)}</p><p><a href="${escapeHtml(base)}">Back to the console</a></p>`;
    this.http.html(response, status, page(String(status), body, status === 401 ? {} : { base }));
  }
}
