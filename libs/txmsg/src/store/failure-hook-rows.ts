// The rows of txmsg_failure_hook as FailureHookStore writes and reads them.

/** A failure to announce: its outcome, and the event (JSON, without its id) the hooks receive. */
export interface NewFailureHook {
  outcome: string;
  event: string;
}

/** A pending announcement as leased for a run of its hooks. */
export interface LeasedFailureHook {
  id: string;
  outcome: string;
  event: string;
  /** Runs that failed so far: the fence of the conditional updates. */
  attempts: number;
}
