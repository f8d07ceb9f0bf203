/** The text, as written in the request, of the numbers of every parsed JSON object or array, by key. */
const sources = new WeakMap<object, Map<string, string>>();

/** What `JSON.parse` hands a reviver beside a primitive value (source-text access, Node 21+). */
interface ReviverContext {
  source?: string;
}

/**
 * A `JSON.parse` reviver — the JSON body parser's — that keeps, beside every number, its text as
 * the client wrote it. `JSON.parse` makes a binary double of each number: `1.0000000000000000001`
 * becomes 1 and `1e2` becomes 100, so a decimal read back from the double is not what was sent.
 * The value itself is left alone; {@link numberSourceOf} finds the text. On a runtime without
 * source-text access nothing is kept, and a number is judged by its double as before.
 */
export function keepNumberSources(this: unknown, key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value === 'number' && typeof context?.source === 'string' && typeof this === 'object' && this !== null) {
    let texts = sources.get(this);
    if (!texts) sources.set(this, (texts = new Map()));
    texts.set(key, context.source);
  }
  return value;
}

/**
 * The text of the number at `holder[key]` as written in the JSON it was parsed from with
 * {@link keepNumberSources}, or undefined (not parsed so, not a number, or a copy of the object
 * that was: the text stays with the object `JSON.parse` made).
 */
export function numberSourceOf(holder: unknown, key: string | number): string | undefined {
  return typeof holder === 'object' && holder !== null ? sources.get(holder)?.get(String(key)) : undefined;
}

/** `JSON.parse(text)`, keeping the text of its numbers (see {@link keepNumberSources}). Throws a SyntaxError as it does. */
export function parseJsonKeepingNumberSources(text: string): unknown {
  return JSON.parse(text, keepNumberSources);
}
