import { brokerUriProblems } from './broker-uri-problems';

describe(brokerUriProblems.name, () => {
  it('takes one URI or one per cluster node', () => {
    expect(brokerUriProblems('amqp://u:p@mq:5672/v')).toEqual([]);
    expect(brokerUriProblems(['amqp://u:p@mq1:5672/v', 'amqps://u:p@mq2:5671/v'])).toEqual([]);
  });

  it('names each bad URI without its password, and refuses an empty list', () => {
    expect(brokerUriProblems(['amqp://u:p@mq1/v', 'http://u:secret@mq2/v'])).toEqual([
      'broker.uri must be an amqp:// or amqps:// URI, got "http://u:***@mq2/v".',
    ]);
    expect(brokerUriProblems([])).toEqual(['broker.uri must name at least one amqp:// or amqps:// URI.']);
  });
});
