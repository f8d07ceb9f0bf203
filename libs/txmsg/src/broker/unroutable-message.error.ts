/** The broker confirmed the message but no queue was bound to receive it. */
export class UnroutableMessageError extends Error {
  override readonly name = 'UnroutableMessageError';
}
