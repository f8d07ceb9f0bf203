/** The longest `setTimeout` takes without firing at once (a signed 32-bit count of milliseconds). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * One timer for the earliest due time known: arming it for a later time than it is armed for
 * changes nothing, arming it for an earlier one moves it. Fires `fire` once, then is free to be
 * armed again. It never keeps the process alive.
 */
export class DueTimer {
  private timer?: NodeJS.Timeout;
  /** When the armed timer fires, by `clock`; Infinity while none is armed. */
  private at = Number.POSITIVE_INFINITY;

  constructor(
    private readonly fire: () => void,
    private readonly clock: () => number = Date.now,
  ) {}

  /** When it fires next (by `clock`), or undefined when it is not armed. */
  get armedAt(): number | undefined {
    return this.timer ? this.at : undefined;
  }

  /** Makes sure `fire` runs `inMs` from now at the latest (at once for 0 or less). */
  arm(inMs: number): void {
    const delay = Math.min(Math.max(0, inMs), MAX_TIMEOUT_MS);
    const at = this.clock() + delay;
    if (this.timer && at >= this.at) return;
    this.clear();
    this.at = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.at = Number.POSITIVE_INFINITY;
      this.fire();
    }, delay);
    this.timer.unref();
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.at = Number.POSITIVE_INFINITY;
  }
}
