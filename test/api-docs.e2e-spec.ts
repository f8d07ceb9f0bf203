import type { ServiceName } from './support/built-service';
import { metricsUsedInOps, seriesNamesOf } from './support/ops-files';
import type { ServiceProcess } from './support/service-process';
import { TestStack } from './support/test-stack';

// Every route each running service mounts is in its OpenAPI document at /docs-json, with its
// answers; the routes come from the service's own start-up log (Nest logs each route it maps),
// so a new controller without documentation fails here.
describe('OpenAPI documents and metrics of the four services', () => {
  const TOKEN = 'api-docs-admin-token';
  let stack: TestStack;
  const services = {} as Record<ServiceName, ServiceProcess>;

  beforeAll(async () => {
    stack = await TestStack.create('api_docs');
    // The admin API mounted, and a rate limit of one request a minute: the docs must not be limited.
    const env = { TXMSG_ADMIN_TOKEN: TOKEN, RATE_LIMIT: '1/1m', LOG_LEVEL: 'info' };
    const [bank1, bank2, pay] = await Promise.all([
      stack.start('bank1', env),
      stack.start('bank2', env),
      stack.start('pay', env),
    ]);
    const account = await stack.start('account', {
      ...env,
      PAY_URL: pay.url,
      PAY_ADMIN_TOKEN: TOKEN,
      NOTIFY_SECRET: 'api-docs-secret',
    });
    Object.assign(services, { bank1, bank2, pay, account });
  }, 120_000);

  afterAll(() => stack?.destroy());

  /** `METHOD /path/{param}` of every route the service logged as mapped at start-up. */
  const mappedRoutes = (service: ServiceProcess): string[] =>
    [...service.logs().matchAll(/Mapped \{([^,}]+), (\w+)\} route/g)].map(
      ([, path, method]) => `${method} ${path.replace(/:(\w+)/g, '{$1}')}`,
    );
  const documentedRoutes = (document: any): string[] =>
    Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );

  it.each(['bank1', 'bank2', 'pay', 'account'] as ServiceName[])(
    '%s documents every route it mounts, with a 2xx answer and its errors',
    async (name) => {
      const service = services[name];
      const reply = await service.get('/docs-json');
      expect(reply.status).toBe(200);
      const document = reply.body;
      expect(document.openapi).toMatch(/^3\./);

      const mounted = mappedRoutes(service);
      // Its own routes, the health check, the metrics, the library's admin API and its console.
      expect(mounted).toEqual(
        expect.arrayContaining(['GET /health', 'GET /metrics', 'GET /txmsg/parked', 'GET /txmsg/console']),
      );
      expect(mounted.length).toBeGreaterThan(10);
      // The console's HTML pages are for a browser, not part of the API.
      const api = mounted.filter((route) => !/^\w+ \/txmsg\/console(\/|$)/.test(route));
      expect(documentedRoutes(document).sort()).toEqual([...new Set(api)].sort());

      for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
        for (const [method, operation] of Object.entries(operations)) {
          const statuses = Object.keys(operation.responses ?? {});
          const where = `${method.toUpperCase()} ${path}`;
          expect({ where, success: statuses.some((s) => /^2/.test(s)) }).toEqual({ where, success: true });
          expect({ where, errors: statuses.some((s) => /^[45]/.test(s)) }).toEqual({ where, errors: true });
        }
      }
    },
  );

  it('describes request bodies and the error shape, and names no secret', async () => {
    const document = (await services.pay.get('/docs-json')).body;
    const text = JSON.stringify(document);
    const create = document.paths['/recharges'].post;
    const body = create.requestBody.content['application/json'].schema.$ref.split('/').pop();
    expect(Object.keys(document.components.schemas[body].properties)).toEqual(
      expect.arrayContaining(['accountNo', 'amount', 'txNo', 'notifyUrl']),
    );
    expect(create.responses['400'].content['application/json'].schema.$ref).toMatch(/ApiErrorBody$/);
    expect(Object.keys(document.components.schemas.ApiErrorBody.properties)).toEqual(
      expect.arrayContaining(['statusCode', 'error', 'message']),
    );
    expect(document.paths['/recharges/{txNo}/notify'].post.security).toEqual([{ admin: [] }]);
    // The list and the attempt log are an operator's; a recharge by its txNo stays open to reconcile.
    expect(document.paths['/recharges'].get.security).toEqual([{ admin: [] }]);
    expect(document.paths['/recharges/{txNo}/notifications'].get.security).toEqual([{ admin: [] }]);
    expect(Object.keys(document.paths['/recharges'].get.responses)).toContain('401');
    expect(document.paths['/recharges/{txNo}'].get.security).toBeUndefined();
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('api-docs-secret');
    expect(text).not.toMatch(/amqp:\/\/|guest/);
  });

  // Here rather than in ops.e2e-spec.ts, which reads the library's registry: these services are running.
  it.each(['bank1', 'bank2', 'pay', 'account'] as ServiceName[])(
    '%s serves every metric the alert rules and the dashboard name',
    async (name) => {
      const scrape = await services[name].get<string>('/metrics');
      expect(scrape.status).toBe(200);
      const served = seriesNamesOf(scrape.body);
      for (const { where, names } of metricsUsedInOps()) {
        expect({ where, missing: names.filter((metric) => !served.has(metric)) }).toEqual({ where, missing: [] });
      }
    },
  );

  it('serves Swagger UI at /docs, never rate limited', async () => {
    for (let i = 0; i < 3; i++) {
      const ui = await fetch(`${services.account.url}/docs`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger-ui');
      expect((await fetch(`${services.account.url}/docs/swagger-ui-bundle.js`)).status).toBe(200);
      expect((await services.account.get('/docs-json')).status).toBe(200);
      expect((await services.account.get('/docs-yaml')).status).toBe(200);
    }
  });
});
