import { notifyProblems } from './notify-problems';
import { withDefaults } from './with-defaults';

const notifyWith = (notify: Parameters<typeof withDefaults>[0]['notify']) =>
  withDefaults({ service: 'pay', broker: { uri: 'amqp://localhost' }, notify }).notify;

describe('notifyProblems: receiver retry policies', () => {
  it('accepts a policy for a receiver of notify.secrets, under any spelling of it', () => {
    const notify = notifyWith({
      secrets: { 'https://shop.example/hooks/': 'shop-key' },
      retryPolicies: { 'HTTPS://Shop.example:443/hooks/': { maxAttempts: 3, retryOn: ['timed_out'] } },
    });
    expect(notifyProblems(notify)).toEqual([]);
  });

  it('refuses a policy for a receiver nobody listed, and a wrong policy, one sentence each', () => {
    const notify = notifyWith({
      secrets: { 'https://shop.example/hooks/': 'shop-key' },
      retryPolicies: {
        'https://elsewhere.example': { maxAttempts: 3 },
        'https://shop.example/hooks/': { jitter: 3 },
      },
    });
    expect(notifyProblems(notify)).toEqual([
      'notify.retryPolicies["https://elsewhere.example"] must name a receiver of notify.secrets.',
      'notify.retryPolicies["https://shop.example/hooks/"]: jitter must be a fraction from 0 up to 1 (0.2 for ±20 %), got 3.',
    ]);
  });
});
