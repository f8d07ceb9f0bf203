import { PARK_REASONS } from '../consumer/failed-message';

/** OpenAPI schemas of the admin API's answers (see {@link FailedMessage}, {@link OutboxStore.newest}). */
const string = { type: 'string' };
const nullableString = { type: 'string', nullable: true };
const integer = { type: 'integer' };
const time = { type: 'string', format: 'date-time' };

const reasons = [...PARK_REASONS];

const failedMessageProperties = {
  id: string,
  consumer: string,
  messageId: string,
  queue: string,
  routingKey: string,
  attempts: integer,
  status: { type: 'string', enum: ['WAITING', 'DISPATCHED', 'PARKED'] },
  reason: { type: 'string', nullable: true, enum: [...reasons, null] },
  nextAttemptAt: time,
  lastError: nullableString,
  errorClass: { ...nullableString, description: 'The constructor name of what the handler threw.' },
  fingerprint: {
    ...nullableString,
    description: 'Shared by failures of one cause; null on rows recorded before it was kept.',
  },
  body: string,
  payloadHash: string,
  bodySize: integer,
  bodyTruncated: { type: 'boolean' },
  createdAt: time,
  updatedAt: time,
};

const failedMessage = { type: 'object', properties: failedMessageProperties };

/** One failed message with its AMQP properties and trace id (see {@link FailedMessageDetail}). */
export const FAILED_MESSAGE_DETAIL = {
  type: 'object',
  properties: {
    ...failedMessageProperties,
    exchange: string,
    properties: { type: 'object', additionalProperties: true, description: 'The AMQP properties, headers among them.' },
    traceId: nullableString,
    lastStack: { ...nullableString, description: 'The stack of the last error, when it had one.' },
    dedupKey: {
      ...nullableString,
      description: 'The key a skip records it under; null: it failed before its key was known, and cannot be skipped.',
    },
    history: {
      type: 'array',
      description: 'Its failures, oldest first (the last 100; kept across requeues).',
      items: {
        type: 'object',
        properties: {
          attempt: { ...integer, description: 'The ladder’s attempt number (1 again after a requeue).' },
          at: { ...time, description: 'When it was recorded, by the database’s clock.' },
          outcome: { type: 'string', enum: ['RETRY', 'PARKED'] },
          reason: { type: 'string', nullable: true, enum: [...reasons, null] },
          retryAt: { ...time, nullable: true, description: 'When the retry of a RETRY was due.' },
          errorClass: nullableString,
          error: nullableString,
          traceId: nullableString,
        },
      },
    },
  },
};

/** Failures grouped by cause (see {@link FailureGroup}). */
export const FAILURE_GROUPS = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          consumer: string,
          reason: { type: 'string', nullable: true, enum: [...reasons, null] },
          errorClass: nullableString,
          fingerprint: {
            ...nullableString,
            description: 'null: rows recorded before fingerprints were kept (filter: `none`).',
          },
          sampleError: nullableString,
          count: integer,
          oldestAt: time,
          newestAt: time,
        },
      },
    },
  },
  required: ['items'],
};

export const FAILED_MESSAGE_PAGE = {
  type: 'object',
  properties: { items: { type: 'array', items: failedMessage }, nextCursor: nullableString },
  required: ['items', 'nextCursor'],
};

export const DEAD_LETTER_QUEUES = {
  type: 'array',
  items: { type: 'object', properties: { queue: string, parkingQueue: string, messages: integer } },
};

const outboxRow = {
  type: 'object',
  properties: {
    id: string,
    messageId: string,
    type: string,
    routingKey: string,
    status: { type: 'string', enum: ['READY', 'PREPARED', 'PUBLISHED', 'DISCARDED', 'SCHEDULED', 'CANCELLED'] },
    txGroup: nullableString,
    checkCount: integer,
    attempts: integer,
    /** A SCHEDULED row's due time. */
    nextAttemptAt: { ...time, description: 'When it is next due: a SCHEDULED (delayed) message is due then.' },
    lastError: nullableString,
    createdAt: time,
    finishedAt: { ...time, nullable: true },
    payload: string,
  },
};

/** What cancelling a delayed message answers. */
export const CANCEL_ANSWER = {
  type: 'object',
  properties: { cancelled: { type: 'boolean' } },
  required: ['cancelled'],
};

/** Without `status`: rows per status; with it: that status's rows, newest first. */
export const OUTBOX_ANSWER = {
  oneOf: [
    { type: 'object', additionalProperties: integer, example: { READY: 2, PUBLISHED: 120 } },
    { type: 'array', items: outboxRow },
  ],
};

const nullableInteger = { type: 'integer', nullable: true };
const nullableTime = { type: 'string', format: 'date-time', nullable: true };

/** Keys ordered consumers wait on (see {@link OrderingStore.blockedKeys}). */
export const BLOCKED_KEYS = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          consumer: string,
          source: string,
          key: string,
          lastSeq: integer,
          blockedSeq: nullableInteger,
          blockedAt: nullableTime,
          held: integer,
          oldestHeldAt: nullableTime,
          blocking: {
            type: 'object',
            description: 'The failed message the key is blocked on, when its failure row is kept.',
            properties: { id: string, messageId: string, status: string },
          },
        },
      },
    },
  },
  required: ['items'],
};

export const SKIPPED_KEY = {
  type: 'object',
  properties: { consumer: string, source: string, key: string, skippedTo: integer },
  required: ['consumer', 'source', 'key', 'skippedTo'],
};
