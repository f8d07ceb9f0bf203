import { type Banks, postTransfer, startBanks } from './support/banks';
import { expectRefusal, snapshotDatabases } from './support/refusals';
import type { ServiceProcess } from './support/service-process';
import { TestStack } from './support/test-stack';

// bank1 and bank2: every bad input gets a clear 4xx in the uniform error shape and
// changes nothing. POST /transfers' body fields are covered in depth by transfer-input.e2e-spec.ts;
// this file adds what it lacks (content types, unknown source accounts), the path parameters, the
// library's admin API, and a before/after comparison of every table of both databases.
describe('bank1 and bank2 refuse bad input with a clear 4xx and change nothing', () => {
  const TOKEN = 'bad-input-admin-token-1';
  const METRICS_TOKEN = 'bad-input-metrics-token-1';
  let stack: TestStack;
  let banks: Banks;
  let before: Record<string, Record<string, unknown[]>>;

  beforeAll(async () => {
    stack = await TestStack.create('bad_input_banks');
    banks = await startBanks(stack, { TXMSG_ADMIN_TOKEN: TOKEN, METRICS_TOKEN });
    before = await snapshot();
  }, 120_000);

  afterAll(() => stack?.destroy());

  const snapshot = () => snapshotDatabases(stack, [banks.bank1.env.DB_NAME, banks.bank2.env.DB_NAME]);

  describe('POST /transfers', () => {
    const json = JSON.stringify({ fromAccountNo: '1', toAccountNo: '2', amount: '1.00' });
    const fieldsMissing =
      /^fromAccountNo must be an account number.*; toAccountNo must be an account number.*; amount must be/;

    it.each([
      ['text/plain', 400, 'text/plain', json, fieldsMissing],
      ['a form', 400, 'application/x-www-form-urlencoded', 'fromAccountNo=1&toAccountNo=2&amount=1.00', fieldsMissing],
      ['XML', 400, 'application/xml', '<transfer><fromAccountNo>1</fromAccountNo></transfer>', fieldsMissing],
      [
        'multipart',
        400,
        'multipart/form-data; boundary=x',
        '--x\r\ncontent-disposition: form-data; name="amount"\r\n\r\n1.00\r\n--x--',
        fieldsMissing,
      ],
      ['an empty content type', 400, '', json, fieldsMissing],
      ['JSON in latin1', 415, 'application/json; charset=latin1', json, /^unsupported charset "LATIN1"$/],
    ])('does not read a body sent as %s: %d', async (_, status, contentType, body, message) => {
      expectRefusal(
        await banks.bank1.request('POST', '/transfers', body, { 'content-type': contentType }),
        status,
        message,
      );
    });

    it.each([
      ['__proto__', '{"fromAccountNo":"1","toAccountNo":"2","amount":"1.00","__proto__":{"balance":"1e9"}}'],
      ['constructor', '{"fromAccountNo":"1","toAccountNo":"2","amount":"1.00","constructor":{"prototype":{}}}'],
      ['amount.__proto__', '{"fromAccountNo":"1","toAccountNo":"2","amount":{"__proto__":{}}}'],
    ])('refuses a body naming %s with 400, as any unknown field', async (key, body) => {
      const reply = await banks.bank1.request('POST', '/transfers', body, { 'content-type': 'application/json' });
      expectRefusal(reply, 400, new RegExp(`^property ${key.replace('.', '\\.')} should not exist$`));
    });

    // Raw JSON text: what JSON.stringify of a JavaScript value never writes, and JSON.parse rounds.
    const NOT_DECIMAL = /^amount must be a decimal number such as "100.50"$/;
    const LEADING_ZEROS = /^amount must not have leading zeros \(such as "1.00", not "01.00"\)$/;
    it.each([
      ['1.0000000000000000001', /^amount must have at most 2 fraction digits$/], // JSON.parse makes it 1
      ['100.500', /^amount must have at most 2 fraction digits$/],
      ['1e2', NOT_DECIMAL],
      ['1E+2', NOT_DECIMAL],
      ['1.5e0', NOT_DECIMAL],
      ['"0001.00"', LEADING_ZEROS],
      ['"01"', LEADING_ZEROS],
      ['"00.50"', LEADING_ZEROS],
    ])('refuses the amount %s, judged by the text sent, with 400', async (amount, message) => {
      const body = `{"fromAccountNo":"1","toAccountNo":"2","amount":${amount}}`;
      const reply = await banks.bank1.request('POST', '/transfers', body, { 'content-type': 'application/json' });
      expectRefusal(reply, 400, message);
    });

    const NO_OFFSET = /^executeAt must be an ISO 8601 time with an offset, e\.g\. 2026-12-24T09:00:00Z$/;
    it.each([
      ['without an offset', '2099-01-01T09:00:00', NO_OFFSET],
      ['a date alone', '2099-01-01', NO_OFFSET],
      ['words', 'tomorrow', NO_OFFSET],
      ['out of range', '2099-13-40T25:00:00Z', NO_OFFSET],
      ['past', '2020-01-01T00:00:00Z', /^executeAt must be in the future$/],
      ['too far ahead', '2099-01-01T00:00:00Z', /^executeAt must be at most 30 days ahead$/],
      ['a number', 1767000000000, /(^|; )executeAt must be a string$/],
      ['too long', `2099-01-01T00:00:00.000000000000000000000000Z`, /^executeAt must be shorter than or equal to 40/],
    ])('refuses a scheduled time %s with 400', async (_, executeAt, message) => {
      const reply = await postTransfer(banks.bank1, {
        fromAccountNo: '1',
        toAccountNo: '2',
        amount: '1.00',
        executeAt,
      });
      expectRefusal(reply, 400, message);
    });

    it('refuses to cancel an unknown transfer (404) and a malformed number (400)', async () => {
      const unknown = '6f1c8a52-3f0e-4d6b-9a7e-2b5d4c3e1f00';
      expectRefusal(await banks.bank1.post(`/transfers/${unknown}/cancel`, {}), 404, /^transfer .* not found$/);
      expect((await banks.bank1.post('/transfers/not-a-uuid/cancel', {})).status).toBe(400);
    });

    it.each(['0', '99999999999999999999'])(
      'refuses a transfer from the unknown account %j with 404',
      async (fromAccountNo) => {
        const reply = await postTransfer(banks.bank1, { fromAccountNo, toAccountNo: '2', amount: '1.00' });
        expectRefusal(reply, 404, new RegExp(`^account ${fromAccountNo} not found$`));
      },
    );

    it.each(['fromAccountNo', 'toAccountNo'])(
      'refuses "01", a second spelling of an account number, as %s with 400',
      async (field) => {
        const reply = await postTransfer(banks.bank1, {
          fromAccountNo: '1',
          toAccountNo: '2',
          amount: '1.00',
          [field]: '01',
        });
        expectRefusal(
          reply,
          400,
          new RegExp(`^${field} must be an account number of 1 to 20 digits without leading zeros$`),
        );
      },
    );
  });

  // Path parameters that are not an account number / a transfer number, as a client would send them.
  const malicious: [string, string][] = [
    ['SQL', encodeURIComponent("1' OR '1'='1")],
    ['SQL with a comment', encodeURIComponent('1;DROP TABLE account_info;--')],
    ['an encoded path traversal', '..%2F..%2Fhealth'],
    ['a double-encoded path traversal', '..%252F..%252Fhealth'],
    ['a NUL byte', '1%00'],
    ['unicode digits', encodeURIComponent('１２３')],
    ['Arabic-Indic digits', encodeURIComponent('١٢٣')],
    ['an emoji', encodeURIComponent('💸')],
    ['very long', '1'.repeat(5000)],
    ['padded', '%201'],
    ['negative', '-1'],
    ['an exponent', '1e3'],
    ['zero-padded', '01'],
  ];

  describe.each([
    ['bank1', '2'],
    ['bank2', '1'],
  ] as const)('%s GET /accounts/:accountNo', (service, foreignAccount) => {
    const bank = () => banks[service];

    it.each(malicious)('refuses an account number that is %s with 400 naming accountNo', async (_, accountNo) => {
      expectRefusal(
        await bank().get(`/accounts/${accountNo}`),
        400,
        /^accountNo must be an account number of 1 to 20 digits without leading zeros$/,
      );
    });

    it.each(['0', '99999999999999999999', foreignAccount])(
      'answers 404 for the unknown account %j',
      async (accountNo) => {
        expectRefusal(await bank().get(`/accounts/${accountNo}`), 404, new RegExp(`^account ${accountNo} not found$`));
      },
    );

    it('refuses an invalid percent-encoding with 400', async () => {
      expectRefusal(await bank().get('/accounts/%E0%A4%A'), 400, /Failed to decode param/);
    });
  });

  describe('bank1 GET /transfers/:txNo', () => {
    const uuid = 'a3bb189e-8bf9-4888-9912-ace4e6543002';

    it.each([
      ...malicious,
      ['an upper-case UUID', uuid.toUpperCase()],
      ['a UUID without dashes', uuid.replace(/-/g, '')],
      ['a UUID in braces', encodeURIComponent(`{${uuid}}`)],
      ['a UUID with a suffix', `${uuid}0`],
    ])('refuses a transfer number that is %s with 400 naming txNo', async (_, txNo) => {
      expectRefusal(await banks.bank1.get(`/transfers/${txNo}`), 400, /^txNo must be a transfer number \(a UUID\)$/);
    });

    it.each(['6f1c8a52-3f0e-4d6b-9a7e-2b5d4c3e1f00', '00000000-0000-0000-0000-000000000000'])(
      'answers 404 for the unknown transfer %s',
      async (txNo) => {
        expectRefusal(await banks.bank1.get(`/transfers/${txNo}`), 404, new RegExp(`^transfer ${txNo} not found$`));
      },
    );
  });

  describe('the txmsg admin API', () => {
    const routes = [
      'GET /txmsg/failures',
      'GET /txmsg/failures?status=PARKED',
      'GET /txmsg/parked',
      'POST /txmsg/parked/requeue',
      'POST /txmsg/parked/1/requeue',
      'DELETE /txmsg/parked',
      'DELETE /txmsg/parked/1',
      'GET /txmsg/outbox',
      'GET /txmsg/outbox?status=PUBLISHED',
    ];
    /** `<route> <status> <message>` for every admin route of a service, asked with `headers`. */
    const answers = async (service: ServiceProcess, headers: Record<string, string>) => {
      const lines: string[] = [];
      for (const route of routes) {
        const [method, path] = route.split(' ');
        const { status, body } = await service.request(method, path, undefined, headers);
        lines.push(`${route} ${status} ${body?.message ?? ''}`.trim());
      }
      return lines;
    };

    it.each(['bank1', 'bank2'] as const)(
      '%s admits the configured bearer token (so the refusals below are the guard)',
      async (service) => {
        expect(await answers(banks[service], { authorization: `Bearer ${TOKEN}` })).toEqual(
          routes.map((route) => `${route} 200`),
        );
      },
    );

    it.each([
      ['no Authorization header', {}],
      ['a wrong token', { authorization: 'Bearer wrong' }],
      ['a wrong token of the same length', { authorization: `Bearer ${TOKEN.slice(0, -1)}X` }],
      ['the token with a suffix', { authorization: `Bearer ${TOKEN}x` }],
      ['an empty bearer token', { authorization: 'Bearer ' }],
      ['the token without "Bearer "', { authorization: TOKEN }],
      [
        'the token as Basic credentials',
        { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` },
      ],
    ])('bank1 and bank2 answer every admin route 401 for %s', async (_, headers) => {
      for (const service of [banks.bank1, banks.bank2]) {
        expect(await answers(service, headers)).toEqual(
          routes.map((route) => `${route} 401 a valid admin bearer token is required`),
        );
      }
    });

    it.each([
      ['/txmsg/failures?status=NOPE', /^status must be one of WAITING, DISPATCHED, PARKED$/],
      [
        `/txmsg/outbox?status=${encodeURIComponent("PUBLISHED' OR '1'='1")}`,
        /^status must be one of PREPARED, READY, SCHEDULED, PUBLISHED, DISCARDED, CANCELLED$/,
      ],
      ['/txmsg/parked?limit=0', /^limit must be a whole number from 1 to 1000$/],
      ['/txmsg/parked?limit=abc', /^limit must be a whole number from 1 to 1000$/],
      ['/txmsg/parked?limit=99999999999999999999', /^limit must be a whole number from 1 to 1000$/],
      ['/txmsg/parked?after=1', /^after must be a nextCursor returned by a previous page$/],
      [
        `/txmsg/failures?after=${encodeURIComponent("1' OR '1'='1")}`,
        /^after must be a nextCursor returned by a previous page$/,
      ],
    ])('answers GET %s 401 without the token and 400 with it', async (path, message) => {
      expectRefusal(await banks.bank1.get(path), 401, /a valid admin bearer token is required/);
      expectRefusal(
        await banks.bank1.request('GET', path, undefined, { authorization: `Bearer ${TOKEN}` }),
        400,
        message,
      );
    });

    it.each(['abc', '-1', '1.5', encodeURIComponent('1 OR 1=1'), '1'.repeat(20)])(
      'answers 400 for the parked message id %j, with the token',
      async (id) => {
        const auth = { authorization: `Bearer ${TOKEN}` };
        for (const [method, path] of [
          ['POST', `/txmsg/parked/${id}/requeue`],
          ['DELETE', `/txmsg/parked/${id}`],
        ]) {
          expectRefusal(
            await banks.bank2.request(method, path, undefined, auth),
            400,
            /^id must be a positive whole number$/,
          );
        }
      },
    );
  });

  describe('GET /metrics behind METRICS_TOKEN', () => {
    it.each([
      ['no Authorization header', {}],
      ['a wrong token', { authorization: 'Bearer wrong' }],
      ['the admin token', { authorization: `Bearer ${TOKEN}` }],
      ['the token without "Bearer "', { authorization: METRICS_TOKEN }],
    ])('bank1 and bank2 answer a scrape with %s 401', async (_, headers) => {
      for (const service of [banks.bank1, banks.bank2]) {
        expectRefusal(await service.get('/metrics', headers), 401, /^a valid metrics bearer token is required$/);
      }
    });

    it('bank1 and bank2 serve the scrape with the token', async () => {
      for (const service of [banks.bank1, banks.bank2]) {
        const reply = await service.get<string>('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` });
        expect(reply.status).toBe(200);
        expect(reply.body).toContain(`txmsg_backlog_up{service="${service.service}"} 1`);
      }
    });
  });

  // Runs last: compares with the snapshot taken before any request of this file.
  it('changed no row of either database, and both banks are still healthy', async () => {
    const after = await snapshot();

    expect(Object.keys(before[banks.bank1.env.DB_NAME])).toEqual(
      expect.arrayContaining(['account_info', 'transfer', 'idempotency_key', 'txmsg_outbox', 'txmsg_dedup']),
    );
    expect(Object.keys(before[banks.bank2.env.DB_NAME])).toEqual(
      expect.arrayContaining(['account_info', 'incoming_transfer', 'txmsg_outbox', 'txmsg_dedup']),
    );
    expect(after).toEqual(before);
    for (const service of [banks.bank1, banks.bank2]) expect((await service.get('/health')).status).toBe(200);
  });
});
