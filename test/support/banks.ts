import { dialectOf } from '@txmsg/nestjs';
import { waitFor } from '@txmsg/nestjs/testing';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import type { ServiceProcess } from './service-process';
import type { TestStack } from './test-stack';

/** Short timings for bank tests: the retry ladder and bank1's check-back, in milliseconds. */
export const FAST_BANK_ENV = {
  RETRY_LADDER: '200ms,400ms,800ms',
  TXMSG_CHECK_FIRST_AFTER: '1s',
  TXMSG_CHECK_INTERVAL: '500ms',
  TXMSG_CHECK_MAX: '5',
};

export interface Banks {
  bank1: ServiceProcess;
  bank2: ServiceProcess;
}

/** Starts bank1 and bank2 (each its own process, database and the stack's vhost) and waits for both. */
export async function startBanks(stack: TestStack, overrides: Record<string, string> = {}): Promise<Banks> {
  const [bank1, bank2] = await Promise.all([
    stack.start('bank1', { ...FAST_BANK_ENV, ...overrides }),
    stack.start('bank2', { ...FAST_BANK_ENV, ...overrides }),
  ]);
  return { bank1, bank2 };
}

export interface TransferBody {
  fromAccountNo: string;
  toAccountNo: string;
  amount: string;
}

/** `POST /transfers` on bank1. */
export function postTransfer(bank1: ServiceProcess, body: unknown, idempotencyKey?: string) {
  return bank1.post('/transfers', body, idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey });
}

/** The balance of an account as the service shows it (`"10000.00"`). */
export async function balanceOf(service: ServiceProcess, accountNo: string): Promise<string> {
  const { status, body } = await service.get(`/accounts/${accountNo}`);
  if (status !== 200) throw new Error(`GET /accounts/${accountNo} on ${service.name} answered ${status}`);
  return body.balance;
}

/** Waits until bank1 shows the transfer in `status`; returns the transfer. */
export function waitForTransfer(bank1: ServiceProcess, txNo: string, status: string, timeoutMs = 15_000) {
  return waitFor(
    async () => {
      const reply = await bank1.get(`/transfers/${txNo}`);
      return reply.status === 200 && reply.body.status === status ? reply.body : undefined;
    },
    { timeoutMs, description: `transfer ${txNo} ${status}` },
  );
}

/** Seeds extra accounts straight into a service's database (the services have no API for it). */
export async function seedAccounts(stack: TestStack, database: string, accounts: [string, string][]): Promise<void> {
  for (const [accountNo, balance] of accounts) {
    await stack.query(database, 'INSERT INTO account_info (account_no, account_name, balance) VALUES (?, ?, ?)', [
      accountNo,
      `test account ${accountNo}`,
      balance,
    ]);
  }
}

/** SUM(balance) of every account of a bank's database, as a 2-digit string. */
export async function totalBalance(stack: TestStack, database: string): Promise<string> {
  const text = stack.engineOfDatabase(database) === 'postgres' ? 'TEXT' : 'CHAR';
  const [row] = await stack.query(
    database,
    `SELECT CAST(CAST(COALESCE(SUM(balance), 0) AS DECIMAL(18,2)) AS ${text}) AS total FROM account_info`,
  );
  return row.total;
}

/** Starts a stopped or killed service again with the same environment (same database). */
export function restart(stack: TestStack, service: ServiceProcess): Promise<ServiceProcess> {
  return stack.start(service.service, service.env);
}

/** The `bank1.transfer.started` message of a transfer, as bank1's outbox holds it. */
export async function startedMessage(stack: TestStack, bank1: ServiceProcess, txNo: string) {
  const postgres = stack.engineOfDatabase(bank1.env.DB_NAME) === 'postgres';
  const [row] = await stack.query(
    bank1.env.DB_NAME,
    postgres
      ? `SELECT message_id, payload::text AS payload, status FROM txmsg_outbox
          WHERE routing_key = 'bank1.transfer.started' AND payload->>'txNo' = ?`
      : `SELECT message_id, payload, status FROM txmsg_outbox
          WHERE routing_key = 'bank1.transfer.started' AND JSON_VALUE(payload, '$.txNo') = ?`,
    [txNo],
  );
  if (!row) throw new Error(`no bank1.transfer.started message for ${txNo}`);
  return { messageId: row.message_id as string, payload: JSON.parse(row.payload), status: row.status as string };
}

/**
 * Opens a transaction in a service's database that holds account `accountNo` locked
 * (`SELECT … FOR UPDATE`), so the service's own debit of it waits: a stalled local transaction.
 * `release()` ends it.
 */
export async function lockAccount(service: ServiceProcess, accountNo: string): Promise<{ release(): Promise<void> }> {
  const { DB_TYPE, DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME } = service.env;
  const server = { host: DB_HOST, port: Number(DB_PORT), user: DB_USER, password: DB_PASSWORD, database: DB_NAME };
  const session = DB_TYPE === 'postgres' ? await postgresSession(server) : await mysqlSession(server);
  await session.run('START TRANSACTION');
  await session.run('SELECT balance FROM account_info WHERE account_no = ? FOR UPDATE', [accountNo]);
  return {
    release: async () => {
      await session.run('ROLLBACK').catch(() => undefined);
      await session.end().catch(() => undefined);
    },
  };
}

/** One connection of its own to a service's database, statements written with `?`. */
interface Session {
  run(sql: string, params?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
}

interface SessionServer {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

async function mysqlSession(server: SessionServer): Promise<Session> {
  const connection = await createConnection(server);
  return { run: (sql, params) => connection.query(sql, params), end: () => connection.end() };
}

async function postgresSession(server: SessionServer): Promise<Session> {
  const client = new Client(server);
  await client.connect();
  const numbered = (sql: string) => dialectOf({ options: { type: 'postgres' } } as never).sql(sql);
  return { run: (sql, params) => client.query(numbered(sql), params), end: () => client.end() };
}

/** Exact arithmetic on 2-digit decimal strings for assertions (`plus('9.90', '0.10') === '10.00'`). */
export function plus(a: string, b: string): string {
  return fromCents(cents(a) + cents(b));
}

export function minus(a: string, b: string): string {
  return fromCents(cents(a) - cents(b));
}

export function times(a: string, n: number): string {
  return fromCents(cents(a) * BigInt(n));
}

function cents(amount: string): bigint {
  if (!/^-?\d+\.\d\d$/.test(amount)) throw new Error(`not a 2-digit decimal: ${amount}`);
  return BigInt(amount.replace('.', ''));
}

function fromCents(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const text = (value < 0n ? -value : value).toString().padStart(3, '0');
  return `${sign}${text.slice(0, -2)}.${text.slice(-2)}`;
}
