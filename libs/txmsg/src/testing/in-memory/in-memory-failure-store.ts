import { Injectable } from '@nestjs/common';
import type { FailureStatus, FailureWrite, RecordedFailure, DueRetry } from '../../store/failure-rows';
import type { FailureStore } from '../../store/failure-store';

/** A failure row of the in-memory store: what the consumer runtime wrote, with its status now. */
export interface FailureEntry extends Omit<FailureWrite, 'status'> {
  id: string;
  status: FailureStatus;
}

/**
 * The retry ladder and parking lot of a testing module, behind the methods the failure recorder
 * calls on the real store: one row per consumer, message id and body, each write applied at once
 * (the real store writes each in a short transaction of its own, never in the handler's).
 */
@Injectable()
export class InMemoryFailureStore implements Pick<FailureStore, 'record' | 'resolve' | 'databaseAnswers'> {
  private readonly rows: FailureEntry[] = [];
  private nextId = 1;

  async record<T>(
    consumer: string,
    messageId: string,
    decide: (recorded: RecordedFailure[]) => {
      row: FailureWrite;
      result: T;
      then?: (em: never, failureId: string) => Promise<void>;
    },
  ): Promise<T> {
    const recorded = this.rows
      .filter((r) => r.consumer === consumer && r.messageId === messageId)
      .map(({ payloadHash, attempts, status, reason }) => ({ payloadHash, attempts, status, reason }));
    const { row, result, then } = decide(recorded);
    const kept = this.find(row.consumer, row.messageId, row.payloadHash);
    const written: FailureEntry = kept
      ? Object.assign(kept, { ...row, body: kept.body, bodySize: kept.bodySize, properties: kept.properties })
      : { ...row, id: String(this.nextId++) };
    if (!kept) this.rows.push(written);
    await then?.(undefined as never, written.id);
    return result;
  }

  async resolve(consumer: string, messageId: string, payloadHash: string): Promise<void> {
    const row = this.find(consumer, messageId, payloadHash);
    if (row && row.status !== 'PARKED') this.rows.splice(this.rows.indexOf(row), 1);
  }

  async databaseAnswers(): Promise<boolean> {
    return true;
  }

  /** Every row, oldest first. */
  all(): FailureEntry[] {
    return [...this.rows];
  }

  /** Every WAITING row, marked DISPATCHED, as the retry scheduler leases and sends them; delays taken as elapsed. */
  takeWaiting(): DueRetry[] {
    const waiting = this.rows.filter((r) => r.status === 'WAITING');
    for (const row of waiting) row.status = 'DISPATCHED';
    return waiting.map((r) => ({
      id: r.id,
      message_id: r.messageId,
      queue: r.queue,
      properties: r.properties,
      body: r.body,
      attempts: r.attempts,
    }));
  }

  private find(consumer: string, messageId: string, payloadHash: string): FailureEntry | undefined {
    return this.rows.find((r) => r.consumer === consumer && r.messageId === messageId && r.payloadHash === payloadHash);
  }
}
