import { SERVICES, type ServiceName } from './support/built-service';
import { waitFor } from '@txmsg/nestjs/testing';
import { freePort } from './support/free-port';
import { rabbitmqctl } from './support/rabbitmqctl';
import type { ServiceProcess } from './support/service-process';
import { TestStack } from './support/test-stack';

// The foundation every later feature stands on: four services, each in its own process with its
// own fresh database, migrated and seeded, sharing one fresh RabbitMQ vhost.
describe('foundation', () => {
  let stack: TestStack;
  const running = {} as Record<ServiceName, ServiceProcess>;

  beforeAll(async () => {
    stack = await TestStack.create('foundation');
    const started = await Promise.all(SERVICES.map((service) => stack.start(service)));
    SERVICES.forEach((service, i) => (running[service] = started[i]));
  }, 120_000);

  afterAll(() => stack?.destroy());

  it.each(SERVICES)('%s reports database and broker up on GET /health', async (service) => {
    const { status, body } = await running[service].get('/health');
    expect(status).toBe(200);
    expect(body.details).toEqual({ database: { status: 'up' }, broker: { status: 'up' } });
  });

  it.each([
    ['bank1', '1', '张三的账户', '10000.00'],
    ['bank2', '2', '李四的账户', '0.00'],
    ['account', '1', '张三的账户', '10000.00'],
  ] as const)('%s serves its seed account %s', async (service, accountNo, accountName, balance) => {
    const { status, body } = await running[service].get(`/accounts/${accountNo}`);
    expect(status).toBe(200);
    expect(body).toEqual({ accountNo, accountName, balance });
  });

  it('answers 404 in the uniform error shape for an unknown account', async () => {
    const { status, body } = await running.bank1.get('/accounts/9');
    expect(status).toBe(404);
    expect(body).toEqual({ statusCode: 404, error: 'Not Found', message: 'account 9 not found' });
  });

  it.each(['abc', '-1', '1.5', '123456789012345678901'])(
    'answers 400 for the malformed account number %j',
    async (no) => {
      const { status, body } = await running.bank2.get(`/accounts/${encodeURIComponent(no)}`);
      expect(status).toBe(400);
      expect(body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'accountNo must be an account number of 1 to 20 digits without leading zeros',
      });
    },
  );

  it('answers 413 for an oversized body and 400 for malformed JSON, never 500', async () => {
    const huge = await running.bank1.request('POST', '/accounts/1', { filler: 'x'.repeat(20_000) });
    expect(huge).toEqual({
      status: 413,
      body: { statusCode: 413, error: 'Payload Too Large', message: 'request body is too large' },
    });
    const malformed = await running.bank1.request('POST', '/accounts/1', '{"amount":');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('stops on SIGTERM with exit code 0, promptly', async () => {
    const pay = running.pay;
    const started = Date.now();
    expect(await pay.stop()).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('restarts on the same database without re-running migrations or re-seeding', async () => {
    const database = running.bank1.env.DB_NAME;
    const migrationsBefore = await stack.query(database, 'SELECT name FROM migrations ORDER BY id');
    await stack.query(database, "UPDATE account_info SET balance = 9000.00 WHERE account_no = '1'");
    await running.bank1.stop();

    const restarted = await stack.start('bank1', { DB_NAME: database });

    expect((await restarted.get('/health')).status).toBe(200);
    expect((await restarted.get('/accounts/1')).body.balance).toBe('9000.00');
    expect(await stack.query(database, 'SELECT name FROM migrations ORDER BY id')).toEqual(migrationsBefore);
    expect(await stack.query(database, 'SELECT account_no FROM account_info')).toEqual([{ account_no: '1' }]);
  });

  it('starts three instances together on a fresh database: all come up, each migration applied once', async () => {
    const database = stack.dbName('bank1', '_trio');
    const trio = await Promise.all([1, 2, 3].map(() => stack.start('bank1', { DB_NAME: database })));

    for (const instance of trio) expect((await instance.get('/health')).status).toBe(200);
    const names = (await stack.query<{ name: string }>(database, 'SELECT name FROM migrations')).map((m) => m.name);
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names).size).toBe(names.length);
    expect(await stack.query(database, 'SELECT account_no FROM account_info')).toEqual([{ account_no: '1' }]);
    await Promise.all(trio.map((instance) => instance.stop()));
  });
});

describe('health', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create('health');
  });

  afterAll(() => stack?.destroy());

  it('answers 503 naming the broker while its vhost is gone, and 200 again once it is back', async () => {
    const pay = await stack.start('pay');

    await rabbitmqctl('delete_vhost', stack.vhost);
    const down = await waitFor(
      async () => {
        const reply = await pay.get('/health');
        return reply.status === 503 ? reply : undefined;
      },
      { timeoutMs: 15_000, description: 'pay /health 503' },
    );
    expect(down.body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'broker down',
      details: { database: { status: 'up' }, broker: { status: 'down' } },
    });

    await rabbitmqctl('add_vhost', stack.vhost);
    await rabbitmqctl('set_permissions', '-p', stack.vhost, 'guest', '.*', '.*', '.*');
    await waitFor(async () => (await pay.get('/health')).status === 200, {
      timeoutMs: 30_000,
      description: 'pay /health 200 after the vhost is back',
    });
  });
});

describe('start-up with bad configuration', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create('badconfig');
  });

  afterAll(() => stack?.destroy());

  async function failedStart(overrides: Record<string, string>) {
    const started = Date.now();
    const child = await stack.spawn('bank1', overrides);
    const status = await child.exited;
    return { status, output: child.logs(), seconds: (Date.now() - started) / 1000 };
  }

  const noStackTrace = (output: string) => expect(output).not.toMatch(/^\s+at /m);

  it('exits 1 with one sentence for a malformed DB_PORT', async () => {
    const { status, output } = await failedStart({ DB_PORT: 'abc' });
    expect(status.code).toBe(1);
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toContain('DB_PORT must be a whole number from 1 to 65535, got "abc".');
  });

  it('exits 1 with one sentence for a RABBITMQ_URL that is not amqp://', async () => {
    const { status, output } = await failedStart({ RABBITMQ_URL: 'http://x' });
    expect(status.code).toBe(1);
    expect(output).toContain('RABBITMQ_URL must be a URL starting with amqp:// or amqps://, got "http://x".');
    noStackTrace(output);
  });

  it('gives up on an unreachable database after STARTUP_WAIT, naming DB_PORT', async () => {
    const port = await freePort();
    const { status, output, seconds } = await failedStart({ DB_PORT: String(port), STARTUP_WAIT: '2s' });
    expect(status.code).toBe(1);
    expect(output).toMatch(
      new RegExp(`Cannot use database .* at 127\\.0\\.0\\.1:${port} \\(DB_HOST, DB_PORT.*ECONNREFUSED`),
    );
    expect(seconds).toBeLessThan(10);
    noStackTrace(output);
  });

  it('gives up on an unreachable broker after STARTUP_WAIT, naming RABBITMQ_URL', async () => {
    const port = await freePort();
    const url = `amqp://guest:guest@127.0.0.1:${port}/${stack.vhost}`;
    const { status, output, seconds } = await failedStart({ RABBITMQ_URL: url, STARTUP_WAIT: '2s' });
    expect(status.code).toBe(1);
    expect(output).toContain(`Cannot use RabbitMQ at amqp://guest:***@127.0.0.1:${port}/${stack.vhost} (RABBITMQ_URL)`);
    expect(output).not.toContain('guest:guest');
    expect(seconds).toBeLessThan(10);
    noStackTrace(output);
  });

  it('refuses a vhost that does not exist at once', async () => {
    const url = `amqp://guest:guest@127.0.0.1:5672/t_missing_${stack.runId}`;
    const { status, output } = await failedStart({ RABBITMQ_URL: url });
    expect(status.code).toBe(1);
    expect(output).toContain(`the broker refused vhost "t_missing_${stack.runId}"`);
    noStackTrace(output);
  });
});
