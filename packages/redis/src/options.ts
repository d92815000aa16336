/** The options of `createRedisStore`, with their defaults and checks. */
import {
  DEFAULT_TIMEOUT_MS,
  checkOptionNames,
  invalidOptionsError,
  type CommonStoreOptions,
  type TokenStoreError,
  type TokenStoreLogger,
} from '@tokenstore/core';
import type { Redis } from 'ioredis';

/** Options of `createRedisStore`. */
export interface RedisStoreOptions extends CommonStoreOptions {
  /**
   * The server to connect to, as a `redis://` or `rediss://` URL. The store creates its
   * own ioredis client from it, with the safety options described in the README, and
   * quits it on `close()`. Give either `url` or `client`, not both.
   * @default 'redis://127.0.0.1:6379'
   */
  url?: string;
  /**
   * An ioredis client to use instead of creating one. The store never closes it, and
   * its options (offline queue, re-sent commands, command timeout) stay the caller's
   * job: see the README for the values the store needs.
   */
  client?: Redis;
  /**
   * The start of every key the store writes, so that several stores can share one
   * server: 1 to 64 letters, digits or `_ . : / -`. Each key starts with the prefix in
   * braces (`{tokenstore:}record:...`), which is a Redis Cluster hash tag.
   * @default 'tokenstore:'
   */
  prefix?: string;
}

/** The default of `RedisStoreOptions.prefix`. */
export const DEFAULT_PREFIX = 'tokenstore:';

/** The default of `RedisStoreOptions.url`. */
export const DEFAULT_URL = 'redis://127.0.0.1:6379';

/** Options with their defaults applied. */
export interface ResolvedOptions {
  url: string;
  client: Redis | undefined;
  prefix: string;
  timeoutMs: number;
  logger: TokenStoreLogger | undefined;
}

// The prefix goes into SCAN patterns and hash tags, so it may not hold a glob
// character (`* ? [ ] \`) or a brace, and never needs escaping.
const PREFIX_PATTERN = /^[A-Za-z0-9_.:/-]{1,64}$/;

// Node's timers and ioredis's command timeout take at most a 32-bit signed integer.
const MAX_TIMEOUT_MS = 0x7fff_ffff;

/**
 * Applies the defaults and checks every option.
 *
 * @throws TokenStoreError `INVALID_OPTIONS` naming the invalid option.
 */
export function resolveOptions(options: RedisStoreOptions = {}): ResolvedOptions {
  const invalid = (detail: string): TokenStoreError =>
    invalidOptionsError('redis', 'createRedisStore', detail);

  if (typeof options !== 'object' || options === null) {
    throw invalid('expected an options object');
  }
  checkOptionNames('redis', 'createRedisStore', options, [
    'url',
    'client',
    'prefix',
    'timeoutMs',
    'logger',
  ]);
  const { url, client, prefix = DEFAULT_PREFIX, timeoutMs = DEFAULT_TIMEOUT_MS, logger } = options;

  if (url !== undefined && client !== undefined) {
    throw invalid('give either url or client, not both');
  }
  if (url !== undefined && (typeof url !== 'string' || !/^rediss?:\/\/./i.test(url))) {
    throw invalid('url must be a redis:// or rediss:// URL');
  }
  if (client !== undefined) {
    checkClient(client, invalid);
  }
  if (typeof prefix !== 'string' || !PREFIX_PATTERN.test(prefix)) {
    throw invalid('prefix must be 1 to 64 letters, digits or "_", ".", ":", "/", "-"');
  }
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw invalid(`timeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }
  return { url: url ?? DEFAULT_URL, client, prefix, timeoutMs, logger };
}

function checkClient(client: unknown, invalid: (detail: string) => TokenStoreError): void {
  const candidate = client as Partial<Redis> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.callBuffer !== 'function' ||
    typeof candidate.options !== 'object'
  ) {
    throw invalid('client must be an ioredis client (new Redis(...))');
  }
  if (candidate.isCluster === true) {
    throw invalid('client is a Redis Cluster client, which the store does not support yet');
  }
  // ioredis adds keyPrefix to the KEYS of a script but not to the keys a script reads
  // from an index, nor to SCAN patterns, so the store's keys would not match up.
  if (candidate.options?.keyPrefix) {
    throw invalid("client must not set keyPrefix: use the store's prefix option instead");
  }
}
