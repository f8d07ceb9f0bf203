import { assertValid } from './assert-valid';
import { withDefaults } from './with-defaults';

describe('TxMsgModule console options', () => {
  const base = { service: 'svc', broker: { uri: 'amqp://localhost' } };

  it('mounts the console under the admin path by default, and takes console: true as {}', () => {
    expect(withDefaults({ ...base, admin: { token: 't' }, console: true }).console).toEqual({
      path: 'txmsg/console',
      sampleIntervalMs: 15_000,
    });
    expect(withDefaults({ ...base, admin: { token: 't', path: '/ops/' }, console: {} }).console).toMatchObject({
      path: 'ops/console',
    });
    expect(withDefaults({ ...base, admin: { token: 't' }, console: { path: '/ops/ui/' } }).console).toMatchObject({
      path: 'ops/ui',
    });
    expect(withDefaults({ ...base, admin: { token: 't' }, console: { sampleIntervalMs: 500 } }).console).toEqual({
      path: 'txmsg/console',
      sampleIntervalMs: 500,
    });
  });

  it('leaves the console off unless asked for and an admin token is configured', () => {
    expect(withDefaults({ ...base, admin: { token: 't' } }).console).toBe(false);
    expect(withDefaults({ ...base, admin: { token: 't' }, console: false }).console).toBe(false);
    expect(withDefaults({ ...base, admin: {}, console: true }).console).toBe(false);
    expect(withDefaults({ ...base, admin: { token: '' }, console: true }).console).toBe(false);
    expect(withDefaults({ ...base, console: true }).console).toBe(false);
  });

  it('refuses a console path that is not a route path', () => {
    expect(() => assertValid(withDefaults({ ...base, admin: { token: 't' }, console: { path: 'a b' } }))).toThrow(
      /console\.path must be a path/,
    );
  });

  it('refuses a sample interval that is not a positive whole number of milliseconds', () => {
    for (const sampleIntervalMs of [0, -1, 1.5]) {
      expect(() =>
        assertValid(withDefaults({ ...base, admin: { token: 't' }, console: { sampleIntervalMs } })),
      ).toThrow(`console.sampleIntervalMs must be a positive whole number, got ${sampleIntervalMs}.`);
    }
  });
});
