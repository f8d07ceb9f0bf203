import { PoisonMessage } from './poison-message';

/** Limits of {@link jsonDeserializer}. */
export interface JsonLimits {
  maxBytes: number;
  maxDepth: number;
}

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The deserialiser installed on the broker connection. It never throws, and never lets a body
 * cost more than its size: a body over `maxBytes` is not even decoded, a body nested deeper than
 * `maxDepth` is not parsed (JSON.parse copes, but whatever walks the result recursively — a
 * validator, a serialiser — overflows the stack, which no retry can fix). Each is a
 * {@link PoisonMessage}, parked at once.
 */
export function jsonDeserializer(limits: JsonLimits): (content: Buffer) => unknown {
  return (content) => {
    if (content.length > limits.maxBytes) {
      return new PoisonMessage(
        `body of ${content.length} bytes exceeds the maximum message size of ${limits.maxBytes} bytes`,
        'OVERSIZED',
      );
    }
    if (depthExceeds(content, limits.maxDepth)) {
      return new PoisonMessage(`body is nested deeper than ${limits.maxDepth} levels`);
    }
    try {
      return JSON.parse(content.toString('utf8'));
    } catch (error) {
      return new PoisonMessage(`body is not valid JSON: ${(error as Error).message}`);
    }
  };
}

/**
 * Whether the JSON text in `bytes` opens more than `maxDepth` arrays or objects at once. One pass
 * over the bytes, skipping strings; UTF-8 continuation bytes never equal the ASCII ones looked for.
 */
export function depthExceeds(bytes: Buffer, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth--;
  }
  return false;
}
