import { ConfigError } from '@app/common';
import { loadAccountConfig } from './account.config';

describe(loadAccountConfig.name, () => {
  it('reaches pay on its default port and has no webhook key by default', () => {
    expect(loadAccountConfig({})).toMatchObject({
      service: 'account',
      port: 3004,
      db: { database: 'account' },
      payUrl: 'http://127.0.0.1:3003',
      notifySecret: undefined,
    });
  });

  it('takes PAY_URL and NOTIFY_SECRET from the environment', () => {
    expect(loadAccountConfig({ PAY_URL: 'https://pay.internal:8443', NOTIFY_SECRET: 's3cret' })).toMatchObject({
      payUrl: 'https://pay.internal:8443',
      notifySecret: 's3cret',
    });
  });

  it('refuses a PAY_URL that is not http(s) with a sentence naming it', () => {
    expect(() => loadAccountConfig({ PAY_URL: 'ftp://pay' })).toThrow(
      new ConfigError('PAY_URL must be a URL starting with http:// or https://, got "ftp://pay".'),
    );
  });
});
