import { type DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type { RateLimit } from '../config/rate-limit';

/**
 * Counts requests per client address and endpoint for the routes marked {@link RateLimited}, in
 * this process's memory: each instance behind a load balancer counts its own share. Without a
 * limit (`RATE_LIMIT=off`) every request passes.
 */
@Module({})
export class RateLimitModule {
  static forRoot(rateLimit: RateLimit | undefined): DynamicModule {
    return {
      module: RateLimitModule,
      imports: [ThrottlerModule.forRoot(throttlerOptions(rateLimit))],
    };
  }
}

function throttlerOptions(rateLimit: RateLimit | undefined): ThrottlerModuleOptions {
  if (!rateLimit) return { throttlers: [{ limit: 1, ttl: 1 }], skipIf: () => true };
  return {
    throttlers: [{ limit: rateLimit.limit, ttl: rateLimit.windowMs }],
    // The guard has already set Retry-After (seconds) on the response.
    errorMessage: (_context, { timeToBlockExpire }) =>
      `too many requests from this client; retry after ${timeToBlockExpire} s`,
  };
}
