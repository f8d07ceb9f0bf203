/** A notification to send. */
export interface NotificationRequest<T = unknown> {
  /** Receiver endpoint (http or https) under a receiver of `notify.secrets`. */
  url: string;
  /** Event type, sent in the body envelope. */
  type: string;
  /** JSON-serialisable data. */
  data: T;
  /** Business reference to find the notification by (e.g. a transaction number). */
  subject?: string;
  /** Notification id (the `webhook-id`); random by default. */
  id?: string;
}
