/**
 * Error codes after which the whole transaction can simply run again: MySQL/MariaDB's deadlock,
 * lock wait timeout and snapshot conflict; PostgreSQL's deadlock_detected (40P01),
 * serialization_failure (40001) and lock_not_available (55P03). The two engines' codes never
 * collide, so one set serves both.
 */
const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'ER_CHECKREAD', '40P01', '40001', '55P03']);

/** MySQL's ER_DUP_ENTRY (errno 1062) and PostgreSQL's unique_violation (23505). */
const DUPLICATE_KEY = new Set(['ER_DUP_ENTRY', '23505']);

function errorCode(error: unknown): string {
  const e = error as { code?: string; driverError?: { code?: string } } | undefined;
  return e?.driverError?.code ?? e?.code ?? '';
}

/** True for database errors (MySQL/MariaDB or PostgreSQL) after which the whole transaction can simply run again. */
export function isRetryableTransactionError(error: unknown): boolean {
  return RETRYABLE.has(errorCode(error));
}

/**
 * Runs `work` (a whole transaction) again when the database chose it as a deadlock victim;
 * TypeORM does not. Up to `attempts` runs with a short random pause between them.
 */
export async function withDeadlockRetry<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isRetryableTransactionError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}

/**
 * True for a duplicate-key error, on either engine. On PostgreSQL the error has aborted the
 * transaction it happened in: only a savepoint (a nested transaction) lets work go on after it.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  return DUPLICATE_KEY.has(errorCode(error));
}
