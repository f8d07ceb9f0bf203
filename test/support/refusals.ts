import type { HttpReply } from './service-process';
import type { TestStack } from './test-stack';

/** Every row of every table (but the migrations log) of each database, to compare before and after. */
export async function snapshotDatabases(stack: TestStack, databases: string[]) {
  const rows: Record<string, Record<string, unknown[]>> = {};
  for (const database of databases) {
    const tables = await stack.query<{ name: string }>(
      database,
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND table_name <> 'migrations'",
      [database],
    );
    rows[database] = {};
    for (const { name } of tables)
      rows[database][name] = await stack.query(database, `SELECT * FROM \`${name}\` ORDER BY 1`);
  }
  return rows;
}

const ERROR: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
};

/** The reply is `status` in the uniform error shape, and its message matches `message`. */
export function expectRefusal(reply: HttpReply, status: number, message: RegExp): void {
  expect(reply).toEqual({ status, body: { statusCode: status, error: ERROR[status], message: expect.anything() } });
  expect([reply.body.message].flat().join('; ')).toMatch(message);
}
