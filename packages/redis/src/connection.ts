/**
 * The store's ioredis client: created from a URL with options that never queue or
 * re-send a command, or given by the caller. It connects on first use, reconnects by
 * itself after the server comes back, and reports its errors to the logger instead
 * of leaving them unhandled.
 */
import { TokenStoreError, invalidOptionsError, type TokenStoreLogger } from '@tokenstore/core';
import { Redis, type RedisOptions } from 'ioredis';

import type { OperationBudget } from './budget.js';

/** The maximum wait between two reconnect attempts, in milliseconds. */
const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * Returns the ioredis options of a client the store owns. Each one keeps a failed
 * call from being applied later or from hanging:
 * - no offline queue: a call made while disconnected fails at once instead of being
 *   sent whenever the connection is back;
 * - no re-sending of commands that were in flight when a connection dropped, and
 *   `maxRetriesPerRequest: 0`, so that those commands fail when it drops;
 * - a command timeout and a connect timeout of `timeoutMs`;
 * - reconnects without end, so that the same store works once the server is back.
 */
export function safetyOptions(timeoutMs: number): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    disconnectTimeout: Math.min(timeoutMs, MAX_RECONNECT_DELAY_MS),
    retryStrategy: (attempt: number) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
  };
}

/** The client of one store, and what the store needs to know about it. */
export class Connection {
  readonly client: Redis;
  readonly #owned: boolean;
  readonly #logger: TokenStoreLogger | undefined;
  readonly #readyWaiters = new Set<() => void>();
  #failing = false;
  #droppedStream: object | undefined;
  readonly #onError = (error: Error): void => this.#reportError(error);
  readonly #onReady = (): void => this.#reportReady();

  private constructor(client: Redis, owned: boolean, logger: TokenStoreLogger | undefined) {
    this.client = client;
    this.#owned = owned;
    this.#logger = logger;
    client.on('error', this.#onError);
    client.on('ready', this.#onReady);
  }

  /**
   * Creates a client from `url` with the safety options. Nothing connects yet.
   *
   * @throws TokenStoreError `INVALID_OPTIONS` when the URL's query string changes a
   *   safety option (ioredis lets query parameters win over the options object).
   */
  static fromUrl(url: string, timeoutMs: number, logger?: TokenStoreLogger): Connection {
    const expected = safetyOptions(timeoutMs);
    const client = new Redis(url, expected);
    const overridden = Object.keys(expected).filter(
      (name) => client.options[name as keyof RedisOptions] !== expected[name as keyof RedisOptions],
    );
    if (overridden.length > 0) {
      client.disconnect();
      throw invalidOptionsError(
        'redis',
        'createRedisStore',
        `url must not set ${overridden.join(', ')}: the store sets these options itself`,
      );
    }
    return new Connection(client, true, logger);
  }

  /** Uses a client the caller created and keeps open. */
  static fromClient(client: Redis, logger?: TokenStoreLogger): Connection {
    const unsafe = unsafeOptionsOf(client);
    if (unsafe.length > 0) {
      logger?.warn?.(
        `the Redis client given to the store has ${unsafe.join(', ')}: a call reported ` +
          'as failed may still be applied later, or wait for a reconnect',
      );
    }
    return new Connection(client, false, logger);
  }

  /**
   * Resolves once the client is connected and ready, connecting it on first use.
   * Waits for a reconnect in progress; the operation's own timeout bounds the wait.
   *
   * @throws TokenStoreError `UNAVAILABLE` when the client was closed by its owner.
   */
  async ready(budget: OperationBudget): Promise<void> {
    const { client } = this;
    // A socket that is being dropped is still 'ready' until it closes, but takes no
    // more commands: wait for the reconnect instead of failing at once.
    const { stream } = client as unknown as { stream?: { writable?: boolean } };
    if (client.status === 'ready' && stream?.writable !== false) {
      return;
    }
    if (client.status === 'end') {
      throw new TokenStoreError('UNAVAILABLE', 'the Redis client is closed');
    }
    if (client.status === 'wait') {
      client.connect().catch(() => {
        // A failed first connect reaches the 'error' listener; ioredis retries by itself.
      });
    }

    // Each waiter leaves the set when its time is up, so that calls made during a long
    // outage hold no memory after they failed.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#readyWaiters.delete(done);
        reject(budget.timeoutError());
      }, budget.remainingMs());
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.#readyWaiters.add(done);
    });
    budget.throwIfExpired();
  }

  /**
   * Drops the connection of an owned client after a command got no reply in time.
   * ioredis keeps a timed-out command in its queue until a reply arrives, so on a
   * connection that no longer replies the queue would grow with every call. Dropping
   * it fails the commands still in flight, and the client reconnects.
   */
  dropAfterTimeout(error: unknown): void {
    if (!this.#owned || !(error instanceof Error) || error.message !== 'Command timed out') {
      return;
    }
    // Every command in flight times out together: drop each socket once only.
    const { stream } = this.client as unknown as { stream?: object };
    if (stream !== undefined && stream !== this.#droppedStream) {
      this.#droppedStream = stream;
      this.client.disconnect(true);
    }
  }

  /** Quits an owned client (or disconnects it when quitting fails); detaches from a given one. */
  async close(): Promise<void> {
    const { client } = this;
    if (this.#owned) {
      if (client.status === 'ready') {
        await client.quit().catch(() => undefined);
      }
      client.disconnect();
    }
    client.off('error', this.#onError);
    client.off('ready', this.#onReady);
  }

  // ioredis emits an error on every failed reconnect attempt: the first one of an
  // outage is a warning, the others go to debug.
  #reportError(error: Error): void {
    const code = (error as { code?: unknown }).code;
    const detail = typeof code === 'string' ? code : error.name;
    if (this.#failing) {
      this.#logger?.debug?.(`Redis connection error (${detail})`);
      return;
    }
    this.#failing = true;
    this.#logger?.warn?.(`Redis connection error (${detail}); reconnecting`);
  }

  #reportReady(): void {
    const waiters = [...this.#readyWaiters];
    this.#readyWaiters.clear();
    for (const resume of waiters) resume();

    if (this.#failing) {
      this.#failing = false;
      this.#logger?.info?.('reconnected to Redis');
    }
  }
}

function unsafeOptionsOf(client: Redis): string[] {
  const { options } = client;
  const unsafe: string[] = [];
  if (options.enableOfflineQueue !== false) unsafe.push('enableOfflineQueue on');
  if (options.autoResendUnfulfilledCommands !== false) {
    unsafe.push('autoResendUnfulfilledCommands on');
  }
  if (options.commandTimeout === undefined) unsafe.push('no commandTimeout');
  return unsafe;
}
