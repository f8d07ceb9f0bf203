import { applyDecorators, Header, Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TXMSG_OPTIONS } from '../txmsg.constants';
import type { ResolvedTxMsgOptions } from '../txmsg.options';
import { type ConsoleRequest, consoleBase } from './console-request';

/**
 * The headers of every console page: HTML, and a policy that lets it load nothing from anywhere
 * (its style and its few lines of script are inline), be framed by no one, and post forms only
 * to itself.
 */
export const HTML_HEADERS: [string, string][] = [
  ['Content-Type', 'text/html; charset=utf-8'],
  [
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  ],
  ['X-Content-Type-Options', 'nosniff'],
  ['Cache-Control', 'no-store'],
];

/** {@link HTML_HEADERS} on a route. */
export const htmlPage = () => applyDecorators(...HTML_HEADERS.map(([name, value]) => Header(name, value)));

/**
 * Answers written through Nest's HTTP adapter (a cookie, a redirect, a page with a status of its
 * own), so the console behaves the same on Express and Fastify.
 */
@Injectable()
export class ConsoleHttp {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(TXMSG_OPTIONS) private readonly options: ResolvedTxMsgOptions,
  ) {}

  /** Where the console is, as the browser of `request` sees it. */
  base(request: ConsoleRequest): string {
    return consoleBase(request, this.options.console ? this.options.console.path : '');
  }

  /** Sends a console page with `status`. */
  html(response: unknown, status: number, body: string): void {
    const adapter = this.adapterHost.httpAdapter;
    for (const [name, value] of HTML_HEADERS) adapter.setHeader(response, name, value);
    adapter.reply(response, body, status);
  }

  /** A 303 to `url` (the browser then GETs it), setting `cookie` first when given. */
  redirect(response: unknown, url: string, cookie?: string): void {
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(response, 'Cache-Control', 'no-store');
    if (cookie !== undefined) adapter.setHeader(response, 'Set-Cookie', cookie);
    adapter.redirect(response, 303, url);
  }
}
