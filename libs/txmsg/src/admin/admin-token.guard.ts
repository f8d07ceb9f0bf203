import { type CanActivate, type ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';

/** Admits `Authorization: Bearer <adminToken>`; without a configured token, admits nobody. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.options.adminToken;
    if (!expected) throw new UnauthorizedException('the txmsg admin API is disabled: no admin token is configured');
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header);
    const given = Buffer.from(bearer?.[1] ?? '');
    const wanted = Buffer.from(expected);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      throw new UnauthorizedException('a valid admin bearer token is required');
    }
    return true;
  }
}
