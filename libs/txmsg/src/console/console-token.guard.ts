import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { bearerTokenMatches } from '../support/bearer-token';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { type ConsoleRequest, headerOf, sameOrigin } from './console-request';
import { sessionMatches } from './console-session';

/**
 * Admits a console request that carries the admin token: as `Authorization: Bearer <token>` or
 * as the session cookie the login page set (both compared in constant time); every other is
 * refused with 401. A POST must also come from the console's own origin when the browser says
 * where it comes from (403 otherwise), so no other site can make an operator's browser act.
 */
@Injectable()
export class ConsoleTokenGuard implements CanActivate {
  constructor(@Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<ConsoleRequest>();
    const token = this.options.admin ? this.options.admin.token : undefined;
    if (!token) throw new UnauthorizedException('the txmsg console is disabled: no admin token is configured');
    const admitted =
      bearerTokenMatches(headerOf(request, 'authorization'), token) ||
      sessionMatches(headerOf(request, 'cookie'), token);
    if (!admitted) throw new UnauthorizedException('log in to the txmsg console with the admin token');
    if (request.method !== 'GET' && !sameOrigin(request)) {
      throw new ForbiddenException('the txmsg console takes actions only from its own pages');
    }
    return true;
  }
}
