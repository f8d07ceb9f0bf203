import type { FailedMessage } from './failed-message';

/** One page of failed messages, newest first. */
export interface FailedMessagePage {
  items: FailedMessage[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}
