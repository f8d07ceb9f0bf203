/** A dependency the service needs at start-up could not be reached or prepared. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
