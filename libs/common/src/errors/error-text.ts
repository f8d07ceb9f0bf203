/** The message of whatever was thrown: an Error's message, else the value as text. */
export function errorText(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' && message !== '' ? message : String(error);
}
