import type { AttemptFailure } from './attempt-outcome';
import { REFUSED_ADDRESS } from './public-address';

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
const NOT_HTTP_CODES = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_INFO',
  'HPE_INVALID_CONSTANT',
]);

/** The failure a thrown error of the HTTP client means. */
export function failureOfError(error: unknown): AttemptFailure {
  const e = error as { name?: string; code?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code;
  if (code === REFUSED_ADDRESS) return 'refused_address';
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || (code && TIMEOUT_CODES.has(code))) return 'timed_out';
  if (e?.name === 'HTTPParserError' || (code && (NOT_HTTP_CODES.has(code) || code.startsWith('HPE_'))))
    return 'not_http';
  return 'connect_failed';
}
