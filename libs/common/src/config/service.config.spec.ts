import { ConfigError } from './config-error';
import { loadServiceConfig } from './service.config';

/** Message signing is required: every configuration under test has a key. */
const SIGNING = { MESSAGE_KEY_ID: 'k1', MESSAGE_KEYS: `k1:${'s'.repeat(32)}` };

describe(loadServiceConfig.name, () => {
  it('has defaults that work on a developer machine', () => {
    expect(loadServiceConfig('bank1', 3001, { ...SIGNING })).toEqual({
      service: 'bank1',
      host: '127.0.0.1',
      port: 3001,
      db: {
        type: 'mysql',
        host: '127.0.0.1',
        port: 3306,
        user: 'root',
        password: '',
        database: 'bank1',
        migrate: true,
        poolSize: 20,
      },
      rabbitUrls: ['amqp://guest:guest@127.0.0.1:5672'],
      retryLadderMs: [1, 5, 10, 30, 60, 120, 300, 600].map((minutes) => minutes * 60_000),
      adminToken: undefined,
      logLevel: 'info',
      startupWaitMs: 30_000,
      queueType: 'classic',
      crashPoint: undefined,
      relay: { pollIntervalMs: 1000, retryMaxMs: 30_000, dispatchOnCommit: true },
      check: { firstCheckAfterMs: 6000, intervalMs: 60_000, maxChecks: 15 },
      consumer: { maxBatch: 50 },
      rateLimit: { limit: 1000, windowMs: 1000 },
      httpRequestTimeoutMs: 60_000,
      signing: { keyId: 'k1', keys: { k1: 's'.repeat(32) } },
    });
  });

  it('refuses to start without message signing keys unless signing is switched off', () => {
    expect(() => loadServiceConfig('bank1', 3001, {})).toThrow(/MESSAGE_KEY_ID and MESSAGE_KEYS must be set/);
    expect(loadServiceConfig('bank1', 3001, { MESSAGE_SIGNING: 'false' }).signing).toBeUndefined();
  });

  it('reads a keyring of several keys, one of them to sign with', () => {
    const keys = `old:${'o'.repeat(32)}, new:${'n'.repeat(40)},bank2-1:${'b'.repeat(32)}`;
    expect(loadServiceConfig('bank1', 3001, { MESSAGE_KEY_ID: 'new', MESSAGE_KEYS: keys }).signing).toEqual({
      keyId: 'new',
      keys: { old: 'o'.repeat(32), new: 'n'.repeat(40), 'bank2-1': 'b'.repeat(32) },
    });
  });

  it.each([
    [{ MESSAGE_KEY_ID: 'k2' }, /MESSAGE_KEY_ID "k2" is not one of the keys/],
    [{ MESSAGE_KEYS: 'k1:short' }, /each secret 32 characters or more; "k1" is not/],
    [{ MESSAGE_KEYS: `no-colon-${'s'.repeat(32)}` }, /must be "id:secret" pairs/],
  ])('refuses a bad keyring %j', (env, sentence) => {
    expect(() => loadServiceConfig('bank1', 3001, { ...SIGNING, ...env })).toThrow(sentence);
  });

  it('takes every variable from the environment', () => {
    const config = loadServiceConfig('pay', 3003, {
      ...SIGNING,
      HOST: '0.0.0.0',
      PORT: '4000',
      DB_HOST: 'db',
      DB_PORT: '3307',
      DB_USER: 'pay',
      DB_PASSWORD: 'secret',
      DB_NAME: 't_pay_1',
      DB_MIGRATE: 'false',
      RABBITMQ_URL: 'amqps://u:p@mq:5671/v',
      RETRY_LADDER: '100ms,200ms',
      TXMSG_ADMIN_TOKEN: 'token',
      METRICS_TOKEN: 'scrape-token',
      LOG_LEVEL: 'debug',
      STARTUP_WAIT: '2s',
      RATE_LIMIT: '5/10s',
      HTTP_REQUEST_TIMEOUT: '2s',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 4000,
      db: {
        type: 'mysql',
        host: 'db',
        port: 3307,
        user: 'pay',
        password: 'secret',
        database: 't_pay_1',
        migrate: false,
      },
      rabbitUrls: ['amqps://u:p@mq:5671/v'],
      retryLadderMs: [100, 200],
      adminToken: 'token',
      metricsToken: 'scrape-token',
      logLevel: 'debug',
      startupWaitMs: 2000,
      rateLimit: { limit: 5, windowMs: 10_000 },
      httpRequestTimeoutMs: 2000,
    });
  });

  it('switches rate limiting off when asked', () => {
    expect(loadServiceConfig('bank1', 3001, { ...SIGNING, RATE_LIMIT: 'off' }).rateLimit).toBeUndefined();
  });

  it('switches to quorum queues and takes a crash point only when asked', () => {
    expect(
      loadServiceConfig('bank1', 3001, {
        ...SIGNING,
        RABBITMQ_QUEUE_TYPE: 'quorum',
        TXMSG_CRASH_POINT: 'relay-before-publish',
      }),
    ).toMatchObject({ queueType: 'quorum', crashPoint: 'relay-before-publish' });
  });

  it('reads several broker addresses, one per cluster node, separated by commas', () => {
    const RABBITMQ_URL = 'amqp://u:p@mq1:5672/v, amqp://u:p@mq2:5672/v,amqp://u:p@mq3:5672/v';
    expect(loadServiceConfig('bank1', 3001, { ...SIGNING, RABBITMQ_URL }).rabbitUrls).toEqual([
      'amqp://u:p@mq1:5672/v',
      'amqp://u:p@mq2:5672/v',
      'amqp://u:p@mq3:5672/v',
    ]);
  });

  it('never repeats a password in the sentence that refuses a broker address', () => {
    const RABBITMQ_URL = 'amqp://u:secret@mq1:5672/v,http://u:secret@mq2/v';
    expect(() => loadServiceConfig('bank1', 3001, { ...SIGNING, RABBITMQ_URL })).toThrow(
      new ConfigError('RABBITMQ_URL must be a URL starting with amqp:// or amqps://, got "http://u:***@mq2/v".'),
    );
  });

  it.each([
    [{ DB_PORT: 'abc' }, 'DB_PORT must be a whole number from 1 to 65535, got "abc".'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 1 to 65535, got "70000".'],
    [{ RABBITMQ_URL: 'http://x' }, 'RABBITMQ_URL must be a URL starting with amqp:// or amqps://, got "http://x".'],
    [{ RETRY_LADDER: 'soon' }, 'RETRY_LADDER is invalid: "soon" is not a duration like 500ms, 30s, 5m or 2h.'],
    [{ DB_NAME: 'bank1; drop' }, 'DB_NAME must be 1 to 64 letters, digits or underscores, got "bank1; drop".'],
    [{ DB_MIGRATE: 'perhaps' }, 'DB_MIGRATE must be true or false, got "perhaps".'],
    [{ LOG_LEVEL: 'chatty' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "chatty".'],
    [{ STARTUP_WAIT: '30' }, 'STARTUP_WAIT is invalid: "30" is not a duration like 500ms, 30s, 5m or 2h.'],
    [{ TXMSG_CHECK_MAX: '0' }, 'TXMSG_CHECK_MAX must be a whole number from 1 to 1000, got "0".'],
    [{ TXMSG_CONSUMER_MAX_BATCH: '0' }, 'TXMSG_CONSUMER_MAX_BATCH must be a whole number from 1 to 1000, got "0".'],
    [
      { TXMSG_RELAY_RETRY_MAX: 'never' },
      'TXMSG_RELAY_RETRY_MAX is invalid: "never" is not a duration like 500ms, 30s, 5m or 2h.',
    ],
    [{ RATE_LIMIT: 'many' }, 'RATE_LIMIT is invalid: "many" is not a limit like 100/1s (requests per window) or off.'],
    [{ RATE_LIMIT: '0/1s' }, 'RATE_LIMIT is invalid: "0/1s" is not a limit like 100/1s (requests per window) or off.'],
    [{ RATE_LIMIT: '10/soon' }, 'RATE_LIMIT is invalid: "soon" is not a duration like 500ms, 30s, 5m or 2h.'],
    [
      { HTTP_REQUEST_TIMEOUT: '60' },
      'HTTP_REQUEST_TIMEOUT is invalid: "60" is not a duration like 500ms, 30s, 5m or 2h.',
    ],
    [{ RABBITMQ_QUEUE_TYPE: 'stream' }, 'RABBITMQ_QUEUE_TYPE must be one of classic, quorum, got "stream".'],
    [
      { TXMSG_CRASH_POINT: 'whenever' },
      'TXMSG_CRASH_POINT must be one of relay-before-publish, relay-after-publish, consumer-before-commit, consumer-before-ack, failure-before-hook, got "whenever".',
    ],
  ])('fails fast on %j with one sentence naming the variable', (env, sentence) => {
    expect(() => loadServiceConfig('bank1', 3001, { ...SIGNING, ...env })).toThrow(new ConfigError(sentence));
  });
});
