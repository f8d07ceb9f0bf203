import { ROOT_CONTEXT, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { correlationIdOf } from './correlation-id';

describe('correlationIdOf', () => {
  it("takes the caller's x-request-id, then x-correlation-id, and writes the id back for a second reader", () => {
    const req = { headers: { 'x-request-id': 'req-1', 'x-correlation-id': 'corr-1' } as Record<string, string> };
    expect(correlationIdOf(req)).toBe('req-1');
    expect(correlationIdOf({ headers: { 'x-correlation-id': 'corr-2' } })).toBe('corr-2');

    const bare = { headers: {} as Record<string, string> };
    const made = correlationIdOf(bare);
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    expect(correlationIdOf(bare)).toBe(made);
  });

  it('ignores an id that is not a plain token', () => {
    expect(correlationIdOf({ headers: { 'x-request-id': 'a b\nc' } })).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('names an untagged request by its trace id when it is traced', () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const span = trace.wrapSpanContext({ traceId, spanId: 'b7ad6b7169203331', traceFlags: 1 });
      const id = context.with(trace.setSpan(ROOT_CONTEXT, span), () => correlationIdOf({ headers: {} }));
      expect(id).toBe(traceId);
    } finally {
      context.disable();
    }
  });
});
