import { type CanActivate, type ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { bearerTokenMatches } from '../support/bearer-token';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';

/**
 * Guards the metrics endpoint: with a `metrics.token`, only a request with
 * `Authorization: Bearer <token>` (compared in constant time) is served, every other is answered
 * 401. Without one every request is served: metrics stay open where only the scraper reaches the
 * port, as they were before the option existed.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(@Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.options.metrics ? this.options.metrics.token : undefined;
    if (expected === undefined) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    if (!bearerTokenMatches(request.headers.authorization, expected)) {
      throw new UnauthorizedException('a valid metrics bearer token is required');
    }
    return true;
  }
}
