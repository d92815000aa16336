/**
 * One connection borrowed from the pool for one operation: its statements, each bounded
 * by the operation's time budget, and what happens to the connection afterwards.
 */
import type { Socket } from 'node:net';

import { TokenStoreError } from '@tokenstore/core';
import type { PoolConnection } from 'mysql2/promise';

import { isConnectionLost } from './errors.js';
import { isTimeoutError, timeoutError, withinBudget, type TimeBudget } from './time-budget.js';

/** One borrowed connection, as the store's statements use it. */
export interface Session {
  /**
   * Runs one of the store's fixed statements as a server-side prepared statement, which
   * mysql2 caches per connection. `writes` marks a statement that changes data.
   */
  execute<T>(sql: string, values: readonly unknown[], options?: StatementOptions): Promise<T>;
  /**
   * Runs a statement through the text protocol, for statements that run rarely or take
   * no values from records: catalog reads, DDL, session settings and transaction control.
   */
  query<T>(sql: string, values?: readonly unknown[], options?: StatementOptions): Promise<T>;
}

/** Options of a statement. */
export interface StatementOptions {
  /** The statement changes data (or commits): a failed operation must not run it again. */
  writes: boolean;
}

const READS: StatementOptions = { writes: false };

/**
 * The part of mysql2's internal connection that the store uses: its socket, to close it
 * at once (ending it politely would wait for a server that may never reply).
 */
export interface CoreConnection {
  stream?: Socket;
  on(event: 'error', listener: () => void): unknown;
}

/** A borrowed connection whose statements are bounded by the operation's time budget. */
export class PooledSession implements Session {
  readonly #connection: PoolConnection;
  readonly #budget: TimeBudget;
  #broken = false;
  #finished = false;
  /** Whether a statement that changes data (or a COMMIT) was sent on this connection. */
  wroteData = false;
  /** How many statements the server replied to on this connection in this operation. */
  answered = 0;

  constructor(connection: PoolConnection, budget: TimeBudget) {
    this.#connection = connection;
    this.#budget = budget;
  }

  execute<T>(sql: string, values: readonly unknown[], options = READS): Promise<T> {
    return this.#run(
      () => this.#connection.execute({ sql, values: [...values], rowsAsArray: false }),
      options.writes,
    );
  }

  query<T>(sql: string, values: readonly unknown[] = [], options = READS): Promise<T> {
    return this.#run(
      () => this.#connection.query({ sql, values: [...values], rowsAsArray: false }),
      options.writes,
    );
  }

  /** Commits the transaction. A connection whose COMMIT failed is closed, never reused. */
  async commit(): Promise<void> {
    try {
      await this.query('COMMIT', [], { writes: true });
    } catch (error) {
      this.#broken = true;
      throw error;
    }
  }

  /** Rolls the transaction back, or marks the connection to be closed, which rolls it back too. */
  async rollback(): Promise<void> {
    if (this.#broken) return;
    try {
      await this.query('ROLLBACK');
    } catch {
      this.#broken = true;
    }
  }

  /** Gives the connection back, or closes it when it can no longer be trusted. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#broken) {
      destroyConnection(this.#connection);
    } else {
      this.#connection.release();
    }
  }

  async #run<T>(send: () => Promise<[unknown, unknown]>, writes: boolean): Promise<T> {
    if (this.#broken) {
      throw new TokenStoreError('UNAVAILABLE', 'the connection to the server was lost');
    }
    if (this.#budget.remainingMs() === 0) {
      throw timeoutError('the server to reply', this.#budget);
    }
    if (writes) this.wroteData = true;
    try {
      const [result] = await withinBudget(send(), this.#budget, 'the server to reply', () => {
        this.#broken = true;
        destroyConnection(this.#connection);
      });
      this.answered += 1;
      return result as T;
    } catch (error) {
      if (isConnectionLost(error) || isTimeoutError(error)) {
        this.#broken = true;
      }
      throw error;
    }
  }
}

/** Removes a connection from its pool and closes its socket at once. */
export function destroyConnection(connection: PoolConnection): void {
  connection.destroy();
  (connection.connection as unknown as CoreConnection).stream?.destroy();
}
