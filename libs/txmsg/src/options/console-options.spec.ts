import { assertValid } from './assert-valid';
import { withDefaults } from './with-defaults';

describe('TxMsgModule console options', () => {
  const base = { service: 'svc', broker: { uri: 'amqp://localhost' } };

  it('mounts the console under the admin path by default, and takes console: true as {}', () => {
    expect(withDefaults({ ...base, admin: { token: 't' }, console: true }).console).toEqual({ path: 'txmsg/console' });
    expect(withDefaults({ ...base, admin: { token: 't', path: '/ops/' }, console: {} }).console).toEqual({
      path: 'ops/console',
    });
    expect(withDefaults({ ...base, admin: { token: 't' }, console: { path: '/ops/ui/' } }).console).toEqual({
      path: 'ops/ui',
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
});
