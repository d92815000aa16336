/**
 * `createMysqlStore`: a token store on one InnoDB table of MySQL 8 or MariaDB 10.11+,
 * through a mysql2 pool. Nothing connects until the first call, which also creates or
 * checks the table. Every operation, retries included, is bounded by `timeoutMs`.
 */
import {
  createTokenStore,
  type LookupKey,
  type OAuthToken,
  type StoredToken,
  type TokenStore,
  type TokenStoreBackend,
  type TokenStoreError,
} from '@tokenstore/core';

import { ConnectionSource } from './connections.js';
import type { Session } from './session.js';
import { classifyMysqlError, errnoOf } from './errors.js';
import { resolveOptions, type MysqlStoreOptions, type ResolvedOptions } from './options.js';
import { lookupValues, rowToToken } from './rows.js';
import { ensureTable } from './setup.js';
import { FIND_STATEMENTS, statementTexts, type StatementTexts } from './statements.js';
import { operationBudget, type TimeBudget } from './time-budget.js';
import { runWithRetries, upsertToken } from './upsert.js';

const WRITES = { writes: true };
// ER_NO_SUCH_TABLE: the table was dropped after the store checked it.
const ER_NO_SUCH_TABLE = 1146;

/**
 * Creates a token store on a MySQL or MariaDB table. The factory connects to nothing.
 * The first call borrows a connection, creates the table when the catalog has none
 * (unless `createSchema` is `false`), and checks its layout.
 *
 * @throws TokenStoreError `INVALID_OPTIONS` when an option is invalid.
 */
export function createMysqlStore(options: MysqlStoreOptions): TokenStore {
  const operation = 'createMysqlStore';
  const settings = resolveOptions(options, operation, 'store');
  const source = ConnectionSource.fromOptions(settings, operation);
  return createTokenStore('mysql', new MysqlBackend(settings, source));
}

class MysqlBackend implements TokenStoreBackend {
  readonly #options: ResolvedOptions;
  readonly #source: ConnectionSource;
  readonly #statements: StatementTexts;
  #ready: Promise<void> | undefined;

  constructor(options: ResolvedOptions, source: ConnectionSource) {
    this.#options = options;
    this.#source = source;
    this.#statements = statementTexts(options.table);
  }

  find(key: LookupKey): Promise<StoredToken | null> {
    return this.#run((budget) =>
      this.#source.withSession(budget, async (session) => {
        const rows = await session.execute<Record<string, unknown>[]>(
          this.#statements[FIND_STATEMENTS[key.field]],
          lookupValues(key),
        );
        return rows[0] === undefined ? null : rowToToken(rows[0]);
      }),
    );
  }

  save(token: OAuthToken, key: LookupKey | null): Promise<StoredToken> {
    return this.#run((budget) => upsertToken(this.#source, this.#statements, token, key, budget));
  }

  delete(id: string): Promise<void> {
    return this.#run((budget) =>
      this.#writeInTransaction(budget, (session) =>
        session.execute(this.#statements.deleteById, [Buffer.from(id, 'utf8')], WRITES),
      ),
    );
  }

  list(): Promise<StoredToken[]> {
    return this.#run((budget) =>
      this.#source.withSession(budget, async (session) => {
        const rows = await session.execute<Record<string, unknown>[]>(
          this.#statements.selectAll,
          [],
        );
        return rows.map(rowToToken);
      }),
    );
  }

  clear(): Promise<void> {
    return this.#run((budget) =>
      this.#writeInTransaction(budget, (session) =>
        session.execute(this.#statements.deleteAll, [], WRITES),
      ),
    );
  }

  close(): Promise<void> {
    return this.#source.close();
  }

  classifyError(error: unknown): TokenStoreError | undefined {
    return classifyMysqlError(error);
  }

  // Deletes run in a transaction too: a DELETE that reaches the server after the call
  // gave up can then never commit, so it cannot remove a record saved in the meantime.
  async #writeInTransaction(
    budget: TimeBudget,
    body: (session: Session) => Promise<unknown>,
  ): Promise<void> {
    await runWithRetries(budget, null, () => this.#source.withTransaction(budget, body));
  }

  async #run<T>(operation: (budget: TimeBudget) => Promise<T>): Promise<T> {
    const budget = operationBudget(this.#options.timeoutMs);
    await this.#ensureReady(budget);
    try {
      return await operation(budget);
    } catch (error) {
      if (errnoOf(error) === ER_NO_SUCH_TABLE) {
        this.#ready = undefined;
      }
      throw error;
    }
  }

  // The table check runs once per store; calls that start meanwhile wait for the same
  // check. A failed check is forgotten, so that the next call tries again.
  #ensureReady(budget: TimeBudget): Promise<void> {
    this.#ready ??= this.#source
      .withSession(budget, (session) =>
        ensureTable(session, this.#options.table, {
          create: this.#options.createSchema,
          logger: this.#options.logger,
        }),
      )
      .then(
        () => undefined,
        (error: unknown) => {
          this.#ready = undefined;
          throw error;
        },
      );
    return this.#ready;
  }
}
