import { Controller, Get, NotFoundException, Post, Query, Redirect, Req, UseFilters, UseGuards } from '@nestjs/common';
import { parseKeyPart } from '../admin/admin-params';
import { OrderingKeys } from '../ordering/ordering-keys';
import { apiDoc } from '../support/api-docs';
import { queryOf } from './console-html';
import { ConsoleHttp, htmlPage } from './console-http';
import { type KeyRef, orderingPage, skipConfirmPage } from './console-ordering-pages';
import { ConsoleRefusalFilter } from './console-refusal.filter';
import { type ConsoleRequest, filledIn } from './console-request';
import { ConsoleTokenGuard } from './console-token.guard';

type Query = Record<string, unknown>;

/** Keys shown at most: the longest waiting, as an operator takes them on first. */
const LIMIT = 100;

const count = (value: unknown) => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : undefined);

/** What the last skip did, from its counts in the query string. */
function doneText(query: Query): string | undefined {
  const skipped = count(query.skipped);
  if (skipped === undefined) return undefined;
  if (skipped === 0) return 'Nothing skipped: the key waited on nothing any more.';
  const released = count(query.released) ?? 0;
  return `Skipped the key: ${released} held message${released === 1 ? '' : 's'} released.`;
}

function keyRef(query: Query): KeyRef {
  return {
    consumer: parseKeyPart(query.consumer, 'consumer'),
    source: parseKeyPart(query.source, 'source'),
    key: parseKeyPart(query.key, 'key'),
  };
}

/**
 * The keys ordered consumers wait on, and the skip of what one waits for, after a page that says
 * what it gives up and how many held messages it releases. The same {@link OrderingKeys} serve
 * the admin API. The key travels in the query string, so the POST has no body to parse.
 */
@Controller('ordering')
@UseGuards(ConsoleTokenGuard)
@UseFilters(ConsoleRefusalFilter)
@apiDoc('ApiExcludeController')
export class ConsoleOrderingController {
  constructor(
    private readonly http: ConsoleHttp,
    private readonly keys: OrderingKeys,
  ) {}

  /** `GET /<console>/ordering?consumer=…` — blocked keys, longest waiting first, the first 100. */
  @Get()
  @htmlPage()
  async list(@Req() request: ConsoleRequest, @Query() query: Query): Promise<string> {
    const given = filledIn(query);
    const consumer = given.consumer === undefined ? undefined : parseKeyPart(given.consumer, 'consumer');
    const keys = await this.keys.blocked(LIMIT, consumer);
    return orderingPage(this.http.base(request), consumer, keys, LIMIT, doneText(query));
  }

  /** `GET /<console>/ordering/confirm?consumer=…&source=…&key=…` — what a skip takes, and the form. */
  @Get('confirm')
  @htmlPage()
  async confirm(@Req() request: ConsoleRequest, @Query() query: Query): Promise<string> {
    const ref = keyRef(query);
    const standing = await this.keys.standing(ref.consumer, ref.source, ref.key);
    if (!standing) throw new NotFoundException(`${ref.consumer} has no ordering key "${ref.key}" of ${ref.source}`);
    return skipConfirmPage(this.http.base(request), ref, standing);
  }

  /** `POST /<console>/ordering/skip?consumer=…&source=…&key=…` — skips; to the list, saying how many it released. */
  @Post('skip')
  @Redirect()
  async skip(@Req() request: ConsoleRequest, @Query() query: Query) {
    const ref = keyRef(query);
    const skipped = await this.keys.skip(ref.consumer, ref.source, ref.key);
    if (skipped.outcome === 'unknown') {
      throw new NotFoundException(`${ref.consumer} has no ordering key "${ref.key}" of ${ref.source}`);
    }
    const counts = skipped.outcome === 'skipped' ? { skipped: '1', released: String(skipped.held) } : { skipped: '0' };
    return { url: `${this.http.base(request)}/ordering${queryOf(counts)}`, statusCode: 303 };
  }
}
