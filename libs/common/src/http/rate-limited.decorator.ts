import { UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/**
 * Limits a route to `RATE_LIMIT` requests per client address (the app imports
 * `RateLimitModule`). Past the limit: 429 with `Retry-After` in seconds, before validation or any
 * work. For routes where an unauthenticated caller makes the service work on its behalf.
 */
export const RateLimited = (): MethodDecorator & ClassDecorator => UseGuards(ThrottlerGuard);
