import { CRASH_POINTS } from '../support/crash-point';
import type { ResolvedTxMsgOptions } from './resolved-options';
import { brokerUriProblems } from './broker-uri-problems';
import { messageProblems } from './message-problems';
import { notifyProblems } from './notify-problems';

/** A route path: segments of letters, digits and `-._~`, split by `/` (`txmsg`, `ops/txmsg`). */
const ROUTE_PATH = /^[\w.~-]+(\/[\w.~-]+)*$/;

function routePathProblems(path: unknown, name: string): string[] {
  if (typeof path === 'string' && ROUTE_PATH.test(path)) return [];
  return [
    `${name} must be a path such as "ops/txmsg" (letters, digits, - . _ ~ between slashes), got ${JSON.stringify(path)}.`,
  ];
}

/**
 * Checks resolved options; throws one Error listing every problem, each as a sentence.
 * Pure.
 */
export function assertValid(options: ResolvedTxMsgOptions): void {
  const problems: string[] = [];
  const positive = (value: number, name: string) => {
    if (!Number.isInteger(value) || value <= 0) problems.push(`${name} must be a positive whole number, got ${value}.`);
  };
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(options.service ?? '')) {
    problems.push(`service must be a lower-case name such as "bank1", got "${options.service}".`);
  }
  problems.push(...brokerUriProblems(options.broker.uri));
  if (!['classic', 'quorum'].includes(options.broker.queueType)) {
    problems.push(`broker.queueType must be "classic" or "quorum", got "${options.broker.queueType}".`);
  }
  positive(options.broker.prefetch, 'broker.prefetch');
  positive(options.broker.connectTimeoutMs, 'broker.connectTimeoutMs');
  positive(options.relay.batchSize, 'relay.batchSize');
  positive(options.relay.pollIntervalMs, 'relay.pollIntervalMs');
  positive(options.relay.publishTimeoutMs, 'relay.publishTimeoutMs');
  positive(options.relay.retryBaseMs, 'relay.retryBaseMs');
  positive(options.relay.retryMaxMs, 'relay.retryMaxMs');
  positive(options.check.firstCheckAfterMs, 'check.firstCheckAfterMs');
  positive(options.check.intervalMs, 'check.intervalMs');
  positive(options.check.maxChecks, 'check.maxChecks');
  positive(options.check.scanIntervalMs, 'check.scanIntervalMs');
  positive(options.retry.scanIntervalMs, 'retry.scanIntervalMs');
  positive(options.consumer.maxBatch, 'consumer.maxBatch');
  positive(options.consumer.drainTimeoutMs, 'consumer.drainTimeoutMs');
  positive(options.consumer.unrecordedTries, 'consumer.unrecordedTries');
  positive(options.consumer.unrecordedForMs, 'consumer.unrecordedForMs');
  if (options.retry.ladderMs.length === 0) problems.push('retry.ladderMs must have at least one step.');
  options.retry.ladderMs.forEach((ms, i) => positive(ms, `retry.ladderMs[${i}]`));
  positive(options.housekeeping.retentionMs, 'housekeeping.retentionMs');
  positive(options.housekeeping.redispatchAfterMs, 'housekeeping.redispatchAfterMs');
  positive(options.housekeeping.intervalMs, 'housekeeping.intervalMs');
  positive(options.housekeeping.batchSize, 'housekeeping.batchSize');
  problems.push(...notifyProblems(options.notify));
  if (options.admin) problems.push(...routePathProblems(options.admin.path, 'admin.path'));
  if (options.console) {
    problems.push(...routePathProblems(options.console.path, 'console.path'));
    positive(options.console.sampleIntervalMs, 'console.sampleIntervalMs');
  }
  if (options.metrics) {
    problems.push(...routePathProblems(options.metrics.path, 'metrics.path'));
    positive(options.metrics.readIntervalMs, 'metrics.readIntervalMs');
    // Sent as a bearer token: an empty one would admit a bare "Bearer ", a blank one never matches.
    if (options.metrics.token !== undefined && !/^[\x21-\x7e]+$/.test(options.metrics.token)) {
      problems.push(
        'metrics.token must be printable ASCII without spaces (it is sent as a bearer token), or left out.',
      );
    }
  }
  problems.push(...messageProblems(options));
  const ladderTotal = options.retry.ladderMs.reduce((sum, ms) => sum + ms, 0);
  if (options.housekeeping.retentionMs <= ladderTotal) {
    problems.push(
      `housekeeping.retentionMs (${options.housekeeping.retentionMs}) must exceed the whole retry ladder (${ladderTotal} ms), or a late redelivery would find its dedup row purged.`,
    );
  }
  if (options.housekeeping.redispatchAfterMs >= options.housekeeping.retentionMs) {
    problems.push(
      `housekeeping.redispatchAfterMs (${options.housekeeping.redispatchAfterMs}) must be shorter than housekeeping.retentionMs (${options.housekeeping.retentionMs}), or a lost retry sent again could find its dedup row purged.`,
    );
  }
  if (!['own', 'host'].includes(options.cls)) problems.push(`cls must be "own" or "host", got "${options.cls}".`);
  if (options.crashPoint !== undefined && !CRASH_POINTS.includes(options.crashPoint)) {
    problems.push(`crashPoint must be one of ${CRASH_POINTS.join(', ')}, got "${options.crashPoint}".`);
  }
  if (problems.length > 0) throw new Error(`Invalid TxMsgModule options: ${problems.join(' ')}`);
}
