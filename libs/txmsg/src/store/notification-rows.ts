/** Lifecycle of a notification. */
export type NotificationStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

/** A notification to write: its body is the JSON sent to the receiver, byte for byte. */
export interface NewNotification {
  notificationId: string;
  subject: string | null;
  type: string;
  targetUrl: string;
  body: string;
  /** The W3C trace fields (JSON) of the transaction that enqueues it, or null. */
  traceContext: string | null;
}

/** A due notification as leased for an attempt. */
export interface LeasedNotification {
  id: string;
  notification_id: string;
  target_url: string;
  /** The JSON body, exactly as written. */
  body: string;
  /** Attempts made before this one: the fence of the conditional update. */
  attempts: number;
  /** The W3C trace fields (JSON) of the transaction that enqueued it, or null. */
  trace_context?: string | null;
  /** What it announces and about what, for a failure hook should it be given up on. */
  type?: string;
  subject?: string | null;
}

/** What an attempt came to, as recorded. */
export interface RecordedAttempt {
  statusCode: number | null;
  /** Why it failed (a neutral category), or null when delivered. */
  failure: string | null;
  durationMs: number;
  /** Delay before the next attempt; undefined when there is none (delivered, or the ladder is spent). */
  retryInMs: number | undefined;
}

/** A notification row as listed. */
export interface NotificationRow {
  notification_id: string;
  subject: string | null;
  type: string;
  target_url: string;
  status: NotificationStatus;
  next_attempt_at: Date | null;
  created_at: Date;
  finished_at: Date | null;
}

/** An attempt row as listed. */
export interface AttemptRow {
  notification_id: string;
  attempt: number;
  attempted_at: Date;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** What {@link NotificationStore.leaseDue} looks for, and which of the rows it finds it leases. */
export interface DueNotificationsRequest {
  /** Due rows looked at, oldest first. */
  limit: number;
  /** How long a leased row is not due (its attempt's longest time, and a margin). */
  leaseMs: number;
  /** Rows to these origins are passed over: nothing of theirs could start now. */
  exceptOrigins: string[];
  /** Nor these notifications, whose attempts still run. */
  exceptIds: string[];
  /** Of the rows found (oldest first), those to lease: they are attempted at once. */
  choose: (rows: LeasedNotification[]) => LeasedNotification[];
}

/** Rows one purge deleted, by table. */
export interface NotificationPurge {
  notifications: number;
  notificationAttempts: number;
}
