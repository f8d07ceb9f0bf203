import { ConfigError } from './config-error';
import { EnvReader } from './env-reader';

const reader = (env: Record<string, string | undefined>) => new EnvReader(env);
const failure = (read: () => unknown) => {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe(EnvReader.name, () => {
  it('falls back when a variable is unset or blank', () => {
    const read = reader({ BLANK: '  ' });
    expect(read.string('MISSING', 'x')).toBe('x');
    expect(read.string('BLANK', 'y')).toBe('y');
    expect(read.int('MISSING', 7, 1, 10)).toBe(7);
    expect(read.optional('BLANK')).toBeUndefined();
  });

  it('names a required variable that is not set', () => {
    expect(failure(() => reader({}).string('NEEDED'))).toBe('NEEDED is required but not set.');
  });

  it.each(['abc', '-1', '0', '65536', '1.5', '3e3'])(
    'refuses the port %j with a sentence naming the variable',
    (value) => {
      expect(failure(() => reader({ DB_PORT: value }).int('DB_PORT', 3306, 1, 65535))).toBe(
        `DB_PORT must be a whole number from 1 to 65535, got "${value}".`,
      );
    },
  );

  it('reads booleans in the usual spellings and refuses others', () => {
    expect(reader({ A: 'TRUE', B: '0', C: 'yes' }).bool('A', false)).toBe(true);
    expect(reader({ B: '0' }).bool('B', true)).toBe(false);
    expect(failure(() => reader({ DB_MIGRATE: 'maybe' }).bool('DB_MIGRATE', true))).toBe(
      'DB_MIGRATE must be true or false, got "maybe".',
    );
  });

  it('reads durations and ladders in milliseconds', () => {
    expect(reader({ W: '2s' }).duration('W', '30s')).toBe(2000);
    expect(reader({}).duration('W', '30s')).toBe(30_000);
    expect(reader({ L: '100ms,1s,1m,1h' }).ladder('L', '1m')).toEqual([100, 1000, 60_000, 3_600_000]);
  });

  it.each(['abc', '1m,,5m', '5m,1m', '10', '1d', '0s'])('refuses the ladder %j, naming RETRY_LADDER', (value) => {
    expect(failure(() => reader({ RETRY_LADDER: value }).ladder('RETRY_LADDER', '1m'))).toMatch(
      /^RETRY_LADDER is invalid: .+\.$/,
    );
  });

  it('refuses a URL that does not parse or has the wrong scheme', () => {
    expect(failure(() => reader({ RABBITMQ_URL: 'not a url' }).url('RABBITMQ_URL', 'amqp://h', ['amqp:']))).toBe(
      'RABBITMQ_URL must be a URL, got "not a url".',
    );
    expect(
      failure(() => reader({ RABBITMQ_URL: 'http://x' }).url('RABBITMQ_URL', 'amqp://h', ['amqp:', 'amqps:'])),
    ).toBe('RABBITMQ_URL must be a URL starting with amqp:// or amqps://, got "http://x".');
  });

  it('reads one of a fixed set of words, case-insensitively', () => {
    expect(reader({ LOG_LEVEL: 'WARN' }).oneOf('LOG_LEVEL', 'info', ['info', 'warn'])).toBe('warn');
    expect(failure(() => reader({ LOG_LEVEL: 'loud' }).oneOf('LOG_LEVEL', 'info', ['info', 'warn']))).toBe(
      'LOG_LEVEL must be one of info, warn, got "loud".',
    );
  });
});
