import type { AttemptFailure } from './attempt-outcome';

/** What one POST came to. `cause` is the raw error, for the application log only. */
export interface PostOutcome {
  statusCode: number | null;
  failure: AttemptFailure | null;
  cause?: unknown;
}
