import { createHash } from 'node:crypto';

/** What a failure's fingerprint is computed over: where it failed, why, and the shape of its error. */
export interface FingerprintParts {
  consumer: string;
  /** The park reason; null for a failure still on the ladder. */
  reason: string | null;
  /** The constructor name of what was thrown (see {@link errorClassOf}). */
  errorClass: string | null;
  /** The error message as thrown; it is normalised here, so ids in it do not split a group. */
  message: string;
}

/** Longest error class kept: the width of its column. */
const ERROR_CLASS_MAX = 191;

/**
 * Placeholders for the parts of a message that differ between failures of one cause, in the order
 * they are replaced: a quoted value may hold anything, a uuid holds digits and hex, a hex id holds
 * digits. An apostrophe inside a word (`can't`, `partner's`) does not open a quoted value.
 */
const VARIABLE_PARTS: Array<[RegExp, string]> = [
  [/"(?:[^"\\]|\\.)*"|`[^`]*`|(?<![\p{L}\p{N}])'[^']*'(?![\p{L}\p{N}])/gu, '<str>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  // At least one digit: an English word of eight letters a–f (`deadbeef` aside) is not an id.
  [/\b(?:0x)?(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, '<hex>'],
  [/\d+(?:\.\d+)?/g, '<n>'],
];

/**
 * An error message with what varies between failures of one cause replaced by placeholders:
 * quoted values (`<str>`), uuids (`<uuid>`), hex ids of 8 or more digits (`<hex>`) and numbers
 * (`<n>`), whitespace runs collapsed. `order 123 not found` and `order 456 not found` become
 * `order <n> not found`. Numbers that name different causes (HTTP 404 and 503) become one too: a
 * group is a starting point for an operator, not a diagnosis. Pure.
 */
export function normaliseErrorMessage(message: string): string {
  let normalised = message;
  for (const [pattern, placeholder] of VARIABLE_PARTS) normalised = normalised.replace(pattern, placeholder);
  return normalised.replace(/\s+/g, ' ').trim();
}

/**
 * The fingerprint of a failure: the first 16 hex digits of the SHA-256 of its consumer, reason,
 * error class and normalised message, so failures of one cause share it whatever message ids,
 * order numbers or uuids their errors name. Pure.
 */
export function fingerprintOf(parts: FingerprintParts): string {
  const text = [parts.consumer, parts.reason ?? '', parts.errorClass ?? '', normaliseErrorMessage(parts.message)];
  // NUL cannot occur in the consumer name or the reason, so no two sets of parts join alike.
  return createHash('sha256').update(text.join('\0')).digest('hex').slice(0, 16);
}

/**
 * The constructor name of what a handler threw (`TypeError`, the application's `PartnerDown`),
 * which an error's `name` often is not: a subclass that does not set it is still `Error`. Null
 * for a thrown primitive.
 */
export function errorClassOf(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const name: unknown = (error as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name.slice(0, ERROR_CLASS_MAX) : null;
}
