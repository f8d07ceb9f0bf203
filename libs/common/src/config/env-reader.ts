import { maskCredentials, parseDuration, parseLadder } from '@txmsg/nestjs';
import { errorText } from '../errors/error-text';
import { ConfigError } from './config-error';

/** The environment, or any stand-in for it in tests. */
export type Env = Record<string, string | undefined>;

/**
 * Typed reads of environment variables. Every failure is a {@link ConfigError} whose message
 * names the variable, what it must be, and what it was.
 */
export class EnvReader {
  constructor(private readonly env: Env) {}

  string(name: string, fallback?: string): string {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) throw new ConfigError(`${name} is required but not set.`);
    return value;
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${value}".`);
    }
    return Number(value);
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    throw new ConfigError(`${name} must be true or false, got "${value}".`);
  }

  /** A duration such as `500ms`, `30s`, `5m`, `2h`, returned in milliseconds. */
  duration(name: string, fallback: string): number {
    return this.parsed(name, fallback, parseDuration);
  }

  /** A comma-separated list of durations such as `1m,5m,10m`, in milliseconds. */
  ladder(name: string, fallback: string): number[] {
    return this.parsed(name, fallback, parseLadder);
  }

  url(name: string, fallback: string, protocols: string[]): string {
    return checkedUrl(name, this.raw(name) ?? fallback, protocols);
  }

  /** One URL or several separated by commas (the nodes of a cluster), each checked like {@link url}. */
  urls(name: string, fallback: string, protocols: string[]): string[] {
    const values = (this.raw(name) ?? fallback).split(',').map((value) => value.trim());
    return values.map((value) => checkedUrl(name, value, protocols));
  }

  /** One of a fixed set of words, compared case-insensitively and returned in lower case. */
  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name)?.toLowerCase() ?? fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${value}".`);
    }
    return value as T;
  }

  /** The value (or fallback) through `parse`; a parse error becomes a ConfigError naming the variable. */
  parsed<T>(name: string, fallback: string, parse: (text: string) => T): T {
    const value = this.raw(name) ?? fallback;
    try {
      return parse(value);
    } catch (error) {
      throw new ConfigError(`${name} is invalid: ${errorText(error)}`);
    }
  }

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }
}

function checkedUrl(name: string, value: string, protocols: string[]): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${maskCredentials(value)}".`);
  }
  if (!protocols.includes(url.protocol)) {
    const schemes = protocols.map((protocol) => `${protocol}//`).join(' or ');
    throw new ConfigError(`${name} must be a URL starting with ${schemes}, got "${maskCredentials(value)}".`);
  }
  return value;
}
