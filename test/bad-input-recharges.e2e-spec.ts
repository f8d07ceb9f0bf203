import { signWebhook, WEBHOOK_HEADERS } from '@txmsg/nestjs';
import { waitFor } from '@txmsg/nestjs/testing';
import { freePort } from './support/free-port';
import { expectRefusal, snapshotDatabases } from './support/refusals';
import type { ServiceProcess } from './support/service-process';
import { adminHeader, TestStack } from './support/test-stack';
import { signedWebhook } from './support/webhooks';

// pay and account: every bad input gets a clear 4xx in the uniform error shape and
// changes nothing. recharge-api.e2e-spec.ts has the basic body cases (negative, zero, 3 fraction
// digits, one unknown field, a 65-character txNo, 413, truncated JSON); this file adds the rest of
// the battery, the signed webhook, the admin API, and a before/after comparison of every table.
describe('pay and account refuse bad input with a clear 4xx and change nothing', () => {
  const SECRET = 'bad-input-notify-secret';
  const TOKEN = 'bad-input-admin-token-2';
  let stack: TestStack;
  let pay: ServiceProcess;
  let payWithoutKey: ServiceProcess; // no NOTIFY_SECRETS: it notifies no notifyUrl
  let account: ServiceProcess;
  let known: { txNo: string; accountNo: string; amount: string; result: string };
  let before: Record<string, Record<string, unknown[]>>;

  beforeAll(async () => {
    stack = await TestStack.create('bad_input_recharges');
    const accountPort = await freePort(); // pay notifies only origins it was told of
    [pay, payWithoutKey] = await Promise.all([
      stack.start('pay', {
        NOTIFY_SECRETS: `http://127.0.0.1:${accountPort}/notifications/=${SECRET}`,
        TXMSG_ADMIN_TOKEN: TOKEN,
      }),
      stack.start('pay', { DB_NAME: stack.dbName('pay', '_nokey'), TXMSG_ADMIN_TOKEN: TOKEN }),
    ]);
    const reconcileLater = { RECONCILE_AFTER: '1h', RECONCILE_DEADLINE: '2h', RECONCILE_PULL: 'false' };
    account = await stack.start(
      'account',
      { PAY_URL: pay.url, PAY_ADMIN_TOKEN: TOKEN, NOTIFY_SECRET: SECRET, TXMSG_ADMIN_TOKEN: TOKEN, ...reconcileLater },
      accountPort,
    );
    // One settled recharge, so that a webhook can contradict a record account holds (422).
    const { body } = await account.post('/recharges', { accountNo: '1', amount: '25.00' });
    known = { txNo: body.txNo, accountNo: '1', amount: '25.00', result: 'success' };
    await waitFor(
      async () =>
        (await account.get(`/recharges/${known.txNo}`)).body.status === 'SUCCEEDED' &&
        (await pay.get(`/recharges/${known.txNo}/notifications`, adminHeader(TOKEN))).body.notifications[0]?.status ===
          'DELIVERED' &&
        (await stack.query(pay.env.DB_NAME, "SELECT 1 FROM txmsg_outbox WHERE status <> 'PUBLISHED'")).length === 0 &&
        (await stack.query(account.env.DB_NAME, 'SELECT 1 FROM txmsg_dedup WHERE dedup_key = ?', [known.txNo]))
          .length === 1,
      { timeoutMs: 20_000, description: 'the seed recharge applied by MQ and by webhook' },
    );
    before = await snapshot();
  }, 120_000);

  afterAll(() => stack?.destroy());

  const snapshot = () =>
    snapshotDatabases(
      stack,
      [pay, payWithoutKey, account].map((service) => service.env.DB_NAME),
    );

  describe('POST /recharges', () => {
    const valid = { accountNo: '1', amount: '1.00' };
    const NOT_DECIMAL = /^amount must be a decimal number such as "100.50"$/;
    const NOT_STRING = /^amount must be a decimal string such as "100.50"$/;
    const TOO_LARGE = /^amount must not exceed 1000000000.00$/;
    const amounts: [string, unknown, RegExp][] = [
      ['an empty string', '', NOT_DECIMAL],
      ['blanks', '   ', NOT_DECIMAL],
      ['a decimal comma', '1,00', NOT_DECIMAL],
      ['a thousands separator', '1 000.00', NOT_DECIMAL],
      ['a leading plus', '+5', NOT_DECIMAL],
      ['hexadecimal', '0x10', NOT_DECIMAL],
      ['a bare fraction', '.5', NOT_DECIMAL],
      ['an exponent', '1e3', NOT_DECIMAL],
      ['another exponent', '1e2', NOT_DECIMAL],
      ['blanks around the digits', ' 1.00 ', NOT_DECIMAL],
      ['"-Infinity"', '-Infinity', NOT_DECIMAL],
      ['a huge number', 1e300, NOT_DECIMAL],
      ['a negative number', -5, /^amount must be greater than 0$/],
      ['negative zero', '-0.00', /^amount must be greater than 0$/],
      ['a number with 3 fraction digits', 0.125, /^amount must have at most 2 fraction digits$/],
      ['one cent above the maximum', '1000000000.01', TOO_LARGE],
      ['400 nines', '9'.repeat(400), TOO_LARGE],
      ['null', null, NOT_STRING],
      ['an object', { value: '1.00' }, NOT_STRING],
      ['an array', ['1.00'], NOT_STRING],
    ];
    const accountNos: unknown[] = [
      ...["1' OR '1'='1", '1; DROP TABLE account_info; --', '../../etc/passwd', '..%2F..', '1'.repeat(10_000)],
      ...['１２３', '١٢٣', '💸', '', ' 1', '1\n', '-1', '01'], // fullwidth and Arabic-Indic digits, blanks, signs, zero-padded
      ...[true, null, { no: '1' }, ['1'], 1.5],
    ];
    const bodies: [string, unknown, RegExp][] = [
      ...amounts.map(([what, amount, message]): [string, unknown, RegExp] => [
        `${what} as the amount`,
        { ...valid, amount },
        message,
      ]),
      ...accountNos.map((accountNo): [string, unknown, RegExp] => [
        `the accountNo ${JSON.stringify(accountNo).slice(0, 30)}`,
        { ...valid, accountNo },
        /^accountNo must be an account number of 1 to 20 digits without leading zeros$/,
      ]),
      ['an empty object', {}, /^accountNo must be an account number.*; amount must be a decimal string/],
      ['a status to set', { ...valid, status: 'SUCCEEDED' }, /^property status should not exist$/],
      ['a balance to set', { ...valid, balance: '1000000.00' }, /^property balance should not exist$/],
      ['a nested unknown object', { ...valid, meta: { accountNo: '2' } }, /^property meta should not exist$/],
    ];
    const payOnly: [string, unknown, RegExp][] = [
      ...["1' OR '1'='1", '../x', '交易', 42, true, { id: 'x' }, ['x']].map((txNo): [string, unknown, RegExp] => [
        `the txNo ${JSON.stringify(txNo)}`,
        { ...valid, txNo },
        /^txNo must be 1 to 64 letters, digits, "-" or "_"$/,
      ]),
      ...[
        true,
        { url: 'http://x.example' },
        ['http://x.example'],
        'file:///etc/passwd',
        'http://',
        'gopher://x.example/',
      ].map((notifyUrl): [string, unknown, RegExp] => [
        `the notifyUrl ${JSON.stringify(notifyUrl)}`,
        { ...valid, notifyUrl },
        /notifyUrl must be/,
      ]),
      ['a result to set', { ...valid, result: 'success' }, /^property result should not exist$/],
    ];
    const accountOnly: [string, unknown, RegExp][] = [
      ['a txNo to choose', { ...valid, txNo: 'mine' }, /^property txNo should not exist$/],
    ];

    it.each([
      ...[...bodies, ...payOnly].map(([what, body, message]) => ['pay', what, body, message] as const),
      ...[...bodies, ...accountOnly].map(([what, body, message]) => ['account', what, body, message] as const),
    ])('%s refuses %s with 400 naming the field', async (service, _, body, message) => {
      expectRefusal(await (service === 'pay' ? pay : account).post('/recharges', body), 400, message);
    });

    // Raw JSON text: what JSON.stringify of a JavaScript value never writes, and JSON.parse rounds.
    const LEADING_ZEROS = /^amount must not have leading zeros \(such as "1.00", not "01.00"\)$/;
    it.each([
      ['1.0000000000000000001', /^amount must have at most 2 fraction digits$/], // JSON.parse makes it 1
      ['100.500', /^amount must have at most 2 fraction digits$/],
      ['1e2', NOT_DECIMAL],
      ['1E+2', NOT_DECIMAL],
      ['"0001.00"', LEADING_ZEROS],
      ['"01"', LEADING_ZEROS],
    ])('pay and account refuse the amount %s, judged by the text sent, with 400', async (amount, message) => {
      for (const service of [pay, account]) {
        const body = `{"accountNo":"1","amount":${amount}}`;
        const reply = await service.request('POST', '/recharges', body, { 'content-type': 'application/json' });
        expectRefusal(reply, 400, message);
      }
    });

    const json = JSON.stringify(valid);
    const FIELDS_MISSING = /^accountNo must be an account number.*; amount must be/;
    it.each([
      ['text/plain', 400, 'text/plain', json, FIELDS_MISSING],
      ['a form', 400, 'application/x-www-form-urlencoded', 'accountNo=1&amount=1.00', FIELDS_MISSING],
      ['an empty content type', 400, '', json, FIELDS_MISSING],
      ['JSON in latin1', 415, 'application/json; charset=latin1', json, /^unsupported charset "LATIN1"$/],
      [
        'JSON with a trailing comma',
        400,
        'application/json',
        '{"accountNo":"1","amount":"1.00",}',
        /^request body must be a valid JSON object$/,
      ],
      [
        'JSON with single quotes',
        400,
        'application/json',
        "{'accountNo':'1','amount':'1.00'}",
        /^request body must be a valid JSON object$/,
      ],
      [
        'JSON with a NaN literal',
        400,
        'application/json',
        '{"accountNo":"1","amount":NaN}',
        /^request body must be a valid JSON object$/,
      ],
      ['a bare JSON string', 400, 'application/json', '"1.00"', /^request body must be a valid JSON object$/],
      ['a bare JSON null', 400, 'application/json', 'null', /^request body must be a valid JSON object$/],
    ])('pay and account refuse a body sent as %s with %d', async (_, status, contentType, body, message) => {
      for (const service of [pay, account]) {
        expectRefusal(
          await service.request('POST', '/recharges', body, { 'content-type': contentType }),
          status,
          message,
        );
      }
    });

    it.each(['0', '99999999999999999999'])(
      'account answers 404 for a recharge of the unknown account %j',
      async (accountNo) => {
        expectRefusal(
          await account.post('/recharges', { ...valid, accountNo }),
          404,
          new RegExp(`^account ${accountNo} not found$`),
        );
      },
    );

    it.each(['', 'k'.repeat(65), 'a/b', "k' OR '1'='1", 'a b', 'clé'])(
      'account refuses the Idempotency-Key %j with 400',
      async (key) => {
        const reply = await account.post('/recharges', valid, { 'Idempotency-Key': key });
        expectRefusal(reply, 400, /^Idempotency-Key must be 1 to 64 letters, digits, "-" or "_"$/);
      },
    );

    it('pay answers 422 for a notifyUrl of a receiver nobody allowed', async () => {
      const reply = await payWithoutKey.post('/recharges', { ...valid, notifyUrl: 'http://127.0.0.1:9/hook' });
      expectRefusal(
        reply,
        422,
        /^pay does not notify http:\/\/127\.0\.0\.1:9: it is not an allowed receiver \(NOTIFY_SECRETS\)$/,
      );
    });

    // account's receiver at pay is its /notifications/ path: the rest of its origin is not one.
    it.each([
      ['/txmsg/parked/requeue', '/txmsg/parked/requeue'],
      ['/notifications/../txmsg/parked/requeue', '/txmsg/parked/requeue'],
      ['/notifications/%2e%2e/txmsg/parked/requeue', '/txmsg/parked/requeue'],
      ['/notifications/..%2Ftxmsg/parked/requeue', '/notifications/..%2Ftxmsg/parked/requeue'],
    ])("pay answers 422 for a notifyUrl %s of an allowed receiver's origin, outside its path", async (path, shown) => {
      const reply = await pay.post('/recharges', { ...valid, notifyUrl: `${account.url}${path}?token=s3cret` });
      expectRefusal(
        reply,
        422,
        new RegExp(
          `^pay does not notify ${account.url}${shown.replace(/[.]/g, '\\.')}: it is outside the paths of the allowed receivers at ${account.url} \\(NOTIFY_SECRETS\\)$`,
        ),
      );
      expect(JSON.stringify(reply.body)).not.toContain('s3cret');
    });
  });

  // Path parameters that are neither a txNo nor an account number, as a client would send them.
  const malicious: [string, string][] = [
    ['SQL', encodeURIComponent("1' OR '1'='1")],
    ['SQL with a comment', encodeURIComponent('x;DROP TABLE recharge;--')],
    ['an encoded path traversal', '..%2F..%2Fhealth'],
    ['a double-encoded path traversal', '..%252F..%252Fhealth'],
    ['a NUL byte', 'tx%00'],
    ['unicode', encodeURIComponent('交易')],
    ['an emoji', encodeURIComponent('💸')],
    ['very long', 'x'.repeat(5000)],
    ['padded', '%20tx'],
    ['dotted', 'tx.1'],
  ];
  const txNoRoutes = [
    ['pay', 'GET', '/recharges/:txNo'],
    ['pay', 'GET', '/recharges/:txNo/notifications'],
    ['pay', 'POST', '/recharges/:txNo/notify'],
    ['account', 'GET', '/recharges/:txNo'],
    ['account', 'POST', '/recharges/:txNo/reconcile'],
  ] as const;
  const at = (service: 'pay' | 'account') => (service === 'pay' ? pay : account);
  /** The re-send and the attempt log are an operator's: past their admin guard, so that the txNo is what is judged. */
  const asked = (service: 'pay' | 'account', method: string, path: string) =>
    at(service).request(method, path, undefined, /\/(notify|notifications)$/.test(path) ? adminHeader(TOKEN) : {});

  it.each(
    txNoRoutes.flatMap(([service, method, path]) =>
      malicious.map(([what, txNo]) => [service, method, path, what, txNo] as const),
    ),
  )('%s %s %s refuses a txNo that is %s with 400 naming txNo', async (service, method, path, _, txNo) => {
    expectRefusal(
      await asked(service, method, path.replace(':txNo', txNo)),
      400,
      /^txNo must be 1 to 64 letters, digits, "-" or "_"$/,
    );
  });

  it.each(txNoRoutes)(
    '%s %s %s: 400 for an invalid percent-encoding, 404 for an unknown txNo of 64 characters',
    async (service, method, path) => {
      expectRefusal(await asked(service, method, path.replace(':txNo', '%E0%A4%A')), 400, /Failed to decode param/);
      const unknown = 'u'.repeat(64);
      expectRefusal(
        await asked(service, method, path.replace(':txNo', unknown)),
        404,
        new RegExp(`^recharge ${unknown} not found$`),
      );
    },
  );

  it.each([...malicious, ['an exponent', '1e3'], ['21 digits', '1'.repeat(21)], ['zero-padded', '01']])(
    'account GET /accounts/:accountNo refuses an account number that is %s with 400',
    async (_, accountNo) => {
      expectRefusal(
        await account.get(`/accounts/${accountNo}`),
        400,
        /^accountNo must be an account number of 1 to 20 digits without leading zeros$/,
      );
    },
  );

  it.each(['0', '2', '99999999999999999999'])('account GET /accounts/%s answers 404', async (accountNo) => {
    expectRefusal(await account.get(`/accounts/${accountNo}`), 404, new RegExp(`^account ${accountNo} not found$`));
  });

  describe("POST /notifications/recharge (pay's signed webhook)", () => {
    type Webhook = { body: string; headers: Record<string, string> };
    const now = () => Math.floor(Date.now() / 1000);
    /** `body` signed as pay signs it. */
    const sign = (body: string, webhookId = 'wh-bad-input', at = now()): Webhook => ({
      body,
      headers: {
        [WEBHOOK_HEADERS.id]: webhookId,
        [WEBHOOK_HEADERS.timestamp]: String(at),
        [WEBHOOK_HEADERS.signature]: signWebhook(SECRET, webhookId, at, body),
      },
    });
    const deliver = ({ body, headers }: Webhook, contentType = 'application/json') =>
      account.request('POST', '/notifications/recharge', body, { ...headers, 'content-type': contentType });
    const { id, timestamp, signature } = WEBHOOK_HEADERS;
    const MISSING = /missing webhook-id, webhook-timestamp or webhook-signature header/;
    const NO_MATCH = /no webhook-signature matches the body/;
    const STALE = /webhook-timestamp is more than 300 s away from now/;

    // Each case spoils a correct webhook of the known recharge.
    it.each([
      ['no signature headers at all', (w: Webhook) => ({ ...w, headers: {} }), MISSING],
      [
        'no webhook-signature',
        (w: Webhook) => ({ ...w, headers: { [id]: w.headers[id], [timestamp]: w.headers[timestamp] } }),
        MISSING,
      ],
      [
        'no webhook-id',
        (w: Webhook) => ({ ...w, headers: { [timestamp]: w.headers[timestamp], [signature]: w.headers[signature] } }),
        MISSING,
      ],
      [
        'no webhook-timestamp',
        (w: Webhook) => ({ ...w, headers: { [id]: w.headers[id], [signature]: w.headers[signature] } }),
        MISSING,
      ],
      ['a signature made with another key', () => signedWebhook('another-secret', known), NO_MATCH],
      [
        'a signature of another body',
        (w: Webhook) => ({ ...w, body: w.body.replace('"25.00"', '"9999.00"') }),
        NO_MATCH,
      ],
      [
        'a signature for another webhook id',
        (w: Webhook) => ({ ...w, headers: { ...w.headers, [id]: 'other-id' } }),
        NO_MATCH,
      ],
      [
        'a signature without "v1,"',
        (w: Webhook) => ({ ...w, headers: { ...w.headers, [signature]: w.headers[signature].slice(3) } }),
        NO_MATCH,
      ],
      [
        'a garbage signature',
        (w: Webhook) => ({ ...w, headers: { ...w.headers, [signature]: "v1,' OR '1'='1" } }),
        NO_MATCH,
      ],
      ['a timestamp 10 minutes old', () => signedWebhook(SECRET, known, { timestamp: now() - 600 }), STALE],
      ['a timestamp 10 minutes ahead', () => signedWebhook(SECRET, known, { timestamp: now() + 600 }), STALE],
      [
        'a timestamp in milliseconds',
        () => signedWebhook(SECRET, known, { timestamp: Date.now() }),
        /webhook-timestamp is not a Unix time/,
      ],
      [
        'a timestamp that is a word',
        (w: Webhook) => ({ ...w, headers: { ...w.headers, [timestamp]: 'yesterday' } }),
        /webhook-timestamp is not a Unix time/,
      ],
    ])('refuses a webhook with %s with 401', async (_, spoil, message) => {
      expectRefusal(
        await deliver(spoil(signedWebhook(SECRET, known))),
        401,
        new RegExp(`^webhook refused: ${message.source}`),
      );
    });

    const envelope = (change: object) =>
      JSON.stringify({ id: 'wh-bad-input', type: 'pay.recharge.completed', data: known, ...change });
    it.each([
      ['of another type', () => envelope({ type: 'pay.recharge.refunded' }), /type must be "pay.recharge.completed"/],
      ['without data', () => envelope({ data: undefined }), /data must be an object/],
      [
        'with an amount of 3 fraction digits',
        () => envelope({ data: { ...known, amount: '25.001' } }),
        /amount must have at most 2 fraction digits/,
      ],
      [
        // The number JSON.parse makes of it is 25, the amount account holds: judged by its text.
        'with the amount as a number of 19 fraction digits',
        () => envelope({}).replace('"amount":"25.00"', '"amount":25.0000000000000000001'),
        /amount must have at most 2 fraction digits/,
      ],
      [
        'with a malicious accountNo',
        () => envelope({ data: { ...known, accountNo: "1' OR '1'='1" } }),
        /accountNo must be an account number/,
      ],
      [
        'with an unknown result',
        () => envelope({ data: { ...known, result: 'maybe' } }),
        /result must be "success" or "fail"/,
      ],
      [
        'with a path as txNo',
        () => envelope({ data: { ...known, txNo: '../recharges' } }),
        /txNo must be 1 to 64 letters/,
      ],
      ['that is an array', () => JSON.stringify([known]), /must be a JSON object/],
      [
        'whose id is not the webhook-id',
        () => envelope({ id: 'another-id' }),
        /^the body id differs from the webhook-id header$/,
      ],
    ])('refuses a correctly signed body %s with 400', async (_, body, message) => {
      expectRefusal(await deliver(sign(body())), 400, message);
    });

    it('refuses a correctly signed body that is not JSON with 400, and one over 16 kB with 413', async () => {
      expectRefusal(await deliver(sign('{"id":"wh-bad-input",')), 400, /^request body must be a valid JSON object$/);
      expectRefusal(
        await deliver(sign(envelope({})), 'text/plain'),
        400,
        /^a webhook body must be JSON \(content-type: application\/json\)$/,
      );
      expectRefusal(await deliver(sign(envelope({ pad: 'x'.repeat(20_000) }))), 413, /^request body is too large$/);
    });

    it("refuses with 422 a correctly signed result that contradicts account's record, keeping no receipt", async () => {
      const reply = await deliver(signedWebhook(SECRET, { ...known, amount: '26.00' }));
      expectRefusal(reply, 422, new RegExp(`^recharge ${known.txNo} differs from account's record$`));
    });
  });

  describe('the txmsg admin API of pay and account', () => {
    const routes = [
      'GET /txmsg/failures',
      'GET /txmsg/parked',
      'POST /txmsg/parked/requeue',
      'DELETE /txmsg/parked/1',
      'GET /txmsg/outbox',
    ];
    /** `<service> <route> <status> <message>` for every admin route of both, asked with `headers`. */
    const answers = async (headers: Record<string, string>) => {
      const lines: string[] = [];
      for (const service of [pay, account]) {
        for (const route of routes) {
          const [method, path] = route.split(' ');
          const { status, body } = await service.request(method, path, undefined, headers);
          lines.push(`${service.service} ${route} ${status} ${body?.message ?? ''}`.trim());
        }
      }
      return lines;
    };
    const all = (answer: string) =>
      ['pay', 'account'].flatMap((service) => routes.map((route) => `${service} ${route} ${answer}`));

    it('admits the configured bearer token (so the refusals below are the guard)', async () => {
      expect(await answers({ authorization: `Bearer ${TOKEN}` })).toEqual(all('200'));
    });

    it.each([
      ['no Authorization header', {}],
      ['a wrong token', { authorization: 'Bearer wrong' }],
      ["the banks' token", { authorization: 'Bearer bad-input-admin-token-1' }],
      ['an empty bearer token', { authorization: 'Bearer ' }],
      ['the token without "Bearer "', { authorization: TOKEN }],
    ])('answers every admin route 401 for %s', async (_, headers) => {
      expect(await answers(headers)).toEqual(all('401 a valid admin bearer token is required'));
    });
  });

  // Runs last: compares with the snapshot taken before any bad request of this file.
  it('changed no row of any database, and every service is still healthy', async () => {
    const after = await snapshot();

    expect(Object.keys(before[pay.env.DB_NAME])).toEqual(
      expect.arrayContaining(['recharge', 'txmsg_outbox', 'txmsg_notification']),
    );
    expect(before[pay.env.DB_NAME].recharge).toHaveLength(1);
    expect(Object.keys(before[account.env.DB_NAME])).toEqual(
      expect.arrayContaining(['account_info', 'recharge', 'webhook_receipt', 'txmsg_dedup']),
    );
    expect(after).toEqual(before);
    for (const service of [pay, payWithoutKey, account]) expect((await service.get('/health')).status).toBe(200);
  });
});
