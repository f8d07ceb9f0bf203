import { errorText, InjectServiceConfig } from '@app/common';
import { validateMessage } from '@txmsg/nestjs';
import { Injectable } from '@nestjs/common';
import type { AccountConfig } from '../../account.config';
import { PayRechargeResult } from '../domain/pay-recharge-result';

/** pay's answer to a query: its record, "never heard of it" (404), or no usable answer. */
export type PayAnswer =
  { kind: 'found'; recharge: PayRechargeResult } | { kind: 'unknown' } | { kind: 'unreachable'; reason: string };

/** pay's answer to a recharge request: accepted (its record), refused (4xx), or no usable answer. */
export type PaySubmission =
  | { kind: 'accepted'; recharge: PayRechargeResult }
  | { kind: 'refused'; status: number; reason: string }
  | { kind: 'unreachable'; reason: string };

/** A page of pay's result list, oldest commit first. */
export interface PayResultPage {
  results: PayRechargeResult[];
  /** pay's opaque cursor after this page: stored, and handed back as `after`. */
  nextCursor: string;
  hasMore: boolean;
}

/** pay's answer to a list request: a page, or no usable answer. */
export type PayListing = { kind: 'page'; page: PayResultPage } | { kind: 'unreachable'; reason: string };

/** What account asks pay to perform. */
export interface RechargeRequest {
  txNo: string;
  accountNo: string;
  amount: string;
  notifyUrl?: string;
}

/**
 * pay's HTTP API as account uses it: `POST /recharges`, the result query `GET /recharges/:txNo`
 * and the result list `GET /recharges?after=&limit=`. Every call has a timeout (PAY_TIMEOUT); a slow, down or nonsensical pay
 * is an answer of its own (`unreachable`), never an exception.
 */
@Injectable()
export class PayClient {
  constructor(@InjectServiceConfig() private readonly config: AccountConfig) {}

  async query(txNo: string): Promise<PayAnswer> {
    const reply = await this.call('GET', `/recharges/${encodeURIComponent(txNo)}`);
    if ('reason' in reply) return { kind: 'unreachable', reason: reply.reason };
    if (reply.status === 404) return { kind: 'unknown' };
    if (reply.status !== 200) return { kind: 'unreachable', reason: `pay answered ${reply.status}` };
    return this.recordOf(reply.body, txNo);
  }

  async submit(request: RechargeRequest): Promise<PaySubmission> {
    const reply = await this.call('POST', '/recharges', request);
    if ('reason' in reply) return { kind: 'unreachable', reason: reply.reason };
    if (reply.status >= 400 && reply.status < 500) {
      const message = (reply.body as { message?: unknown } | undefined)?.message;
      return { kind: 'refused', status: reply.status, reason: JSON.stringify(message ?? reply.body) };
    }
    if (reply.status !== 200 && reply.status !== 201)
      return { kind: 'unreachable', reason: `pay answered ${reply.status}` };
    const answer = this.recordOf(reply.body, request.txNo);
    return answer.kind === 'found' ? { kind: 'accepted', recharge: answer.recharge } : answer;
  }

  /**
   * A page of results pay committed after `after` (from the start when null). The list shows
   * every account's recharges, so pay asks for its admin token (PAY_ADMIN_TOKEN); no other call
   * carries it.
   */
  async list(after: string | null, limit: number): Promise<PayListing> {
    const query = new URLSearchParams({ limit: String(limit), ...(after === null ? {} : { after }) });
    const token = this.config.payAdminToken;
    const reply = await this.call(
      'GET',
      `/recharges?${query}`,
      undefined,
      token ? { authorization: `Bearer ${token}` } : {},
    );
    if ('reason' in reply) return { kind: 'unreachable', reason: reply.reason };
    if (reply.status !== 200) return { kind: 'unreachable', reason: `pay answered ${reply.status} to a list request` };
    const body = reply.body as Partial<Record<keyof PayResultPage, unknown>> | undefined;
    if (!Array.isArray(body?.results) || typeof body.nextCursor !== 'string' || typeof body.hasMore !== 'boolean') {
      return { kind: 'unreachable', reason: "pay's answer is not a page of results" };
    }
    try {
      const results = body.results.map((result) => validateMessage(PayRechargeResult, result));
      return { kind: 'page', page: { results, nextCursor: body.nextCursor, hasMore: body.hasMore } };
    } catch (error) {
      return {
        kind: 'unreachable',
        reason: `pay's page holds a result that is not a recharge record: ${(error as Error).message}`,
      };
    }
  }

  private recordOf(body: unknown, txNo: string): PayAnswer & { kind: 'found' | 'unreachable' } {
    try {
      const recharge = validateMessage(PayRechargeResult, body);
      if (recharge.txNo !== txNo)
        return { kind: 'unreachable', reason: `pay answered about ${recharge.txNo}, not ${txNo}` };
      return { kind: 'found', recharge };
    } catch (error) {
      return { kind: 'unreachable', reason: `pay's answer is not a recharge record: ${(error as Error).message}` };
    }
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown } | { reason: string }> {
    try {
      const response = await fetch(`${this.config.payUrl}${path}`, {
        method,
        headers: {
          ...(body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.payTimeoutMs),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: kept as text, refused later as not a record
      }
      return { status: response.status, body: parsed };
    } catch (error) {
      return { reason: describe(error, this.config.payTimeoutMs) };
    }
  }
}

/** fetch() says only "fetch failed"; the socket error that matters is in its cause. */
function describe(error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  return e.cause?.code ?? e.cause?.message ?? errorText(error);
}
