import { maskCredentials } from './mask-credentials';

describe(maskCredentials.name, () => {
  it('masks the password of every URL in a text, and only the password', () => {
    expect(
      maskCredentials('RabbitMQ at amqp://guest:guest@127.0.0.1:5691/v,amqps://app:s3cr%40t@mq2:5671/v (RABBITMQ_URL)'),
    ).toBe('RabbitMQ at amqp://guest:***@127.0.0.1:5691/v,amqps://app:***@mq2:5671/v (RABBITMQ_URL)');
  });

  it('leaves URLs without a password and plain text as they are', () => {
    expect(maskCredentials('amqp://mq1:5672/v and amqp://user@mq2/v, port 5672')).toBe(
      'amqp://mq1:5672/v and amqp://user@mq2/v, port 5672',
    );
  });

  it('masks a password in text that is no valid URL', () => {
    expect(maskCredentials('got "amqp//u:pw@x, amqp:///u:pw@y"')).toBe('got "amqp//u:***@x, amqp:///u:***@y"');
  });
});
