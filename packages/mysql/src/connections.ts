/**
 * Connections from a mysql2 pool, each borrowed for one operation, with every wait
 * bounded. mysql2's pool waits for a free connection without a time limit, and a
 * statement that mysql2 times out keeps its connection busy. So the store bounds both
 * waits itself, and closes the socket of a connection whose statement ran out of time.
 */
import type { Socket } from 'node:net';

import { invalidOptionsError, type TokenStoreLogger } from '@tokenstore/core';
import mysql, { type Pool, type PoolConnection } from 'mysql2/promise';

import { isConnectionLost } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { PooledSession, type CoreConnection, type Session } from './session.js';
import { STATEMENT_COUNT } from './statements.js';
import { stepBudget, timeoutError, withinBudget, type TimeBudget } from './time-budget.js';

// A pooled connection that died while idle (killed, or the server restarted) is found
// only when it is used. The operation then moves to another connection, a few times at most.
const MAX_STALE_CONNECTION_RETRIES = 3;

// How long close() waits for the server to close the sockets after COM_QUIT.
const SOCKET_CLOSE_GRACE_MS = 1000;

/** The pool of one store, with the session settings each connection gets once. */
export class ConnectionSource {
  readonly #pool: Pool;
  readonly #owned: boolean;
  readonly #lockWaitSeconds: number;
  readonly #logger: TokenStoreLogger | undefined;
  readonly #timeoutMs: number;
  readonly #configured = new WeakSet<object>();
  readonly #tracked = new WeakSet<object>();
  readonly #sockets = new Set<Socket>();

  constructor(
    pool: Pool,
    options: { owned: boolean; timeoutMs: number; logger?: TokenStoreLogger },
  ) {
    this.#pool = pool;
    this.#owned = options.owned;
    this.#timeoutMs = options.timeoutMs;
    this.#logger = options.logger;
    // InnoDB fails a lock wait past this limit with an error that leaves the connection
    // usable. It is set below the store's own limit, so that it fires first.
    this.#lockWaitSeconds = Math.max(1, Math.ceil(options.timeoutMs / 1000) - 1);
  }

  /**
   * Creates the source of a store or a schema call: over the caller's pool, or over a
   * new pool from the URL, which the source owns.
   *
   * @throws TokenStoreError `INVALID_OPTIONS` when mysql2 rejects the URL's settings.
   */
  static fromOptions(options: ResolvedOptions, operation: string): ConnectionSource {
    const { url, pool, timeoutMs, connectionLimit, logger } = options;
    if (pool !== undefined) {
      return new ConnectionSource(pool, { owned: false, timeoutMs, logger });
    }
    let owned: Pool;
    try {
      owned = mysql.createPool({
        uri: url,
        connectionLimit,
        connectTimeout: timeoutMs,
        maxPreparedStatements: STATEMENT_COUNT,
        charset: 'UTF8MB4_UNICODE_CI',
        supportBigNumbers: true,
        enableKeepAlive: true,
      });
    } catch {
      // mysql2's message may quote the URL, which can contain a password, so it is left out.
      throw invalidOptionsError(
        'mysql',
        operation,
        'mysql2 rejected a setting in the url query, such as an unknown ssl profile',
      );
    }
    return new ConnectionSource(owned, { owned: true, timeoutMs, logger });
  }

  /**
   * Runs `body` on a borrowed connection and gives the connection back, or closes it
   * when it failed or ran out of time. When a connection that was idle in the pool turns
   * out to be dead before anything was written through it, `body` runs again on another.
   */
  withSession<T>(budget: TimeBudget, body: (session: Session) => Promise<T>): Promise<T> {
    return this.#borrow(budget, body);
  }

  /**
   * Runs `body` in a transaction and commits. COMMIT is sent only after the server
   * replied to every statement of `body`, so a statement that reaches the server late
   * never commits.
   */
  withTransaction<T>(budget: TimeBudget, body: (session: Session) => Promise<T>): Promise<T> {
    return this.#borrow(budget, async (session) => {
      await session.query('START TRANSACTION');
      let result: T;
      try {
        result = await body(session);
      } catch (error) {
        await session.rollback();
        throw error;
      }
      await session.commit();
      return result;
    });
  }

  async #borrow<T>(budget: TimeBudget, body: (session: PooledSession) => Promise<T>): Promise<T> {
    for (let retries = 0; ; retries += 1) {
      const connection = await this.#acquire(budget);
      const reused = this.#configured.has(connection.connection);
      const session = new PooledSession(connection, budget);
      try {
        await this.#configure(connection, session);
        const result = await body(session);
        session.finish();
        return result;
      } catch (error) {
        session.finish();
        // Only the first statement on a reused connection can find it dead from idling.
        // A connection lost later, in the middle of the operation, fails the operation.
        const stale =
          reused && session.answered === 0 && !session.wroteData && isConnectionLost(error);
        if (stale && retries < MAX_STALE_CONNECTION_RETRIES && budget.remainingMs() > 0) {
          this.#logger?.debug?.(
            'a pooled connection was closed by the server; retrying on another',
          );
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * Ends the pool when the store owns it, and closes any socket the server has not
   * closed within a second. A pool of the caller's is left open.
   */
  async close(): Promise<void> {
    if (!this.#owned) {
      return;
    }
    try {
      // A connection still in its handshake with a server that stopped replying would
      // hold end() until mysql2's connect timeout; the sockets are closed below anyway.
      await withinBudget(
        this.#pool.end(),
        stepBudget(this.#timeoutMs),
        'the pool to end',
        () => {},
      );
    } catch (error) {
      this.#logger?.debug?.(`ending the pool failed: ${describeCode(error)}`);
    }
    await this.#closeSockets();
  }

  async #acquire(budget: TimeBudget): Promise<PoolConnection> {
    if (budget.remainingMs() === 0) {
      throw timeoutError('a connection from the pool', budget);
    }
    const pending = this.#pool.getConnection();
    const connection = await withinBudget(pending, budget, 'a connection from the pool', () => {
      // A connection that arrives after the time is up goes straight back to the pool.
      pending.then(
        (late) => late.release(),
        () => undefined,
      );
    });
    this.#track(connection);
    return connection;
  }

  #track(connection: PoolConnection): void {
    const core = connection.connection as unknown as CoreConnection;
    if (this.#tracked.has(core)) {
      return;
    }
    this.#tracked.add(core);
    // mysql2 can emit a second 'error' event on a connection that already failed; without
    // a listener Node would throw it and end the process. Each error also reaches the
    // statement that caused it, which is where the store handles it.
    core.on('error', () => undefined);
    const socket = core.stream;
    if (this.#owned && socket !== undefined && !this.#sockets.has(socket)) {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    }
  }

  async #configure(connection: PoolConnection, session: PooledSession): Promise<void> {
    if (this.#configured.has(connection.connection)) {
      return;
    }
    await session.query('SET SESSION innodb_lock_wait_timeout = ?, SESSION lock_wait_timeout = ?', [
      this.#lockWaitSeconds,
      this.#lockWaitSeconds,
    ]);
    this.#configured.add(connection.connection);
  }

  async #closeSockets(): Promise<void> {
    const open = [...this.#sockets].filter((socket) => !socket.destroyed);
    if (open.length === 0) {
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, SOCKET_CLOSE_GRACE_MS);
      void Promise.all(
        open.map((socket) => new Promise((closed) => socket.once('close', closed))),
      ).then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    for (const socket of open) {
      socket.destroy();
    }
    this.#sockets.clear();
  }
}

function describeCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}
