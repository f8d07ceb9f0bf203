import type { AttemptedRow, OutboxPublisher } from './outbox-publisher';
import { publishBatch } from './publish-batch';

function rowOf(id: string): AttemptedRow {
  return {
    message_id: id,
    type: 't',
    exchange: 'x',
    routing_key: 'k',
    payload: '{}',
    headers: null,
    correlation_id: null,
    created_at: new Date(),
    attempts: 0,
  };
}

describe(publishBatch.name, () => {
  it('marks the rows that were confirmed and backs off only the ones that failed, per reason', async () => {
    const rows = ['a', 'b', 'c', 'd', 'e'].map(rowOf);
    const failures: Record<string, Error> = { b: new Error('timeout'), d: new Error('timeout'), e: new Error('nack') };
    const publisher = {
      publish: jest.fn(async (row: AttemptedRow) => {
        if (failures[row.message_id]) throw failures[row.message_id];
      }),
      markPublished: jest.fn().mockResolvedValue(undefined),
      postpone: jest.fn().mockResolvedValue(undefined),
    };
    await publishBatch(publisher as unknown as OutboxPublisher, rows, undefined);
    expect(publisher.markPublished).toHaveBeenCalledTimes(1);
    expect(publisher.markPublished).toHaveBeenCalledWith(['a', 'c']);
    expect(publisher.postpone).toHaveBeenCalledTimes(2);
    expect(publisher.postpone).toHaveBeenCalledWith([rows[1], rows[3]], failures.b);
    expect(publisher.postpone).toHaveBeenCalledWith([rows[4]], failures.e);
  });
});
