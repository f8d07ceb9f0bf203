import type { DataSource } from 'typeorm';
import { errorText } from '../support/error-text';
import { SCRAPE_QUERY_NAMES, type ScrapeQuery, type ScrapeStatements } from './scrape-queries';

/** A backlog read at scrape time that has no answer by then counts as failed (Prometheus' scrape timeout is 10 s). */
const READ_TIMEOUT_MS = 5000;

/** Rows one scrape query returned. */
export type Rows = Record<string, string | number | null>[];
/** One scrape query's answer, or why there is none. */
export type QueryResult = { ok: true; rows: Rows } | { ok: false; error: Error };
/** One read of every scrape query, each answered or failed on its own. */
export type Read = Record<ScrapeQuery, QueryResult>;

/** Runs every scrape query at once, each within the timeout. Never rejects. */
export async function readAll(dataSource: DataSource, statements: ScrapeStatements): Promise<Read> {
  const results = await Promise.all(SCRAPE_QUERY_NAMES.map((name) => readOne(dataSource, statements[name])));
  return Object.fromEntries(SCRAPE_QUERY_NAMES.map((name, i) => [name, results[i]])) as Read;
}

async function readOne(dataSource: DataSource, sql: string): Promise<QueryResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer from the database within ${READ_TIMEOUT_MS} ms`)),
      READ_TIMEOUT_MS,
    );
  });
  try {
    return { ok: true, rows: await Promise.race([dataSource.query(sql) as Promise<Rows>, timeout]) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(errorText(error)) };
  } finally {
    clearTimeout(timer);
  }
}
