/**
 * Table setup: the check a store runs before its first operation, and
 * `createMysqlSchema` for users who run the DDL separately. Both decide from the schema
 * catalog, never from whether the table contains rows.
 */
import { TokenStoreError, type TokenStoreLogger } from '@tokenstore/core';

import { ConnectionSource } from './connections.js';
import type { Session } from './session.js';
import { toStoreError } from './errors.js';
import { resolveOptions, type MysqlConnectionOptions } from './options.js';
import {
  createTableSql,
  currentDatabase,
  inspectTable,
  quoteIdentifier,
  type TableState,
} from './schema.js';
import { stepBudget } from './time-budget.js';

/** The outcome of `createMysqlSchema`. */
export interface MysqlSchemaResult {
  /** The table that was checked. */
  table: string;
  /** `true` when this call created the table; `false` when it existed with the right layout. */
  created: boolean;
}

/** Options of `ensureTable`. */
export interface EnsureTableOptions {
  /** Whether to create the table when the catalog has none of that name. */
  create: boolean;
  logger: TokenStoreLogger | undefined;
}

/**
 * Creates the table when it is missing (and `create` is set) and checks its layout.
 * Returns `true` when this call created it.
 *
 * @throws TokenStoreError `BACKEND` when no database is selected, the table is missing
 *   and may not be created, is not a token table, or has an older layout (naming
 *   `upgradeMysqlTable`).
 */
export async function ensureTable(
  session: Session,
  table: string,
  options: EnsureTableOptions,
): Promise<boolean> {
  const database = await currentDatabase(session);
  if (database === undefined) {
    throw new TokenStoreError(
      'BACKEND',
      'the connection has no database selected: name one in the url (mysql://user:password@host:port/database) or in the pool options',
    );
  }
  const where = `table ${quoteIdentifier(table)} in database ${quoteIdentifier(database)}`;

  let state = await inspectTable(session, table);
  let created = false;
  if (state.kind === 'missing' && options.create) {
    // IF NOT EXISTS: another store may create the same table at the same moment.
    await session.query(createTableSql(table, { ifNotExists: true }));
    state = await inspectTable(session, table);
    created = true;
    options.logger?.info?.(`created ${where}`);
  }
  checkState(state, where, table);
  return created;
}

/**
 * Creates the token table with the store's layout when it does not exist, and checks the
 * layout of an existing one. For deployments where the application's database user may
 * not run DDL: run this once as a user with the CREATE privilege, then create the store
 * with `createSchema: false`.
 *
 * @throws TokenStoreError `BACKEND` when the table exists with another layout (a Zoho
 *   table needs `upgradeMysqlTable`), or when the user may not create it.
 * @throws TokenStoreError `UNAVAILABLE` when the server cannot be reached within `timeoutMs`.
 */
export async function createMysqlSchema(
  options: MysqlConnectionOptions,
): Promise<MysqlSchemaResult> {
  const operation = 'createMysqlSchema';
  const settings = resolveOptions(options, operation, 'schema');
  const source = ConnectionSource.fromOptions({ ...settings, connectionLimit: 1 }, operation);
  try {
    const created = await source.withSession(stepBudget(settings.timeoutMs), (session) =>
      ensureTable(session, settings.table, { create: true, logger: settings.logger }),
    );
    return { table: settings.table, created };
  } catch (error) {
    throw toStoreError(error, operation);
  } finally {
    await source.close();
  }
}

function checkState(state: TableState, where: string, table: string): void {
  if (state.kind === 'missing') {
    throw new TokenStoreError(
      'BACKEND',
      `${where} does not exist, and the store was created with createSchema: false. ` +
        `Create it once with createMysqlSchema({ url, table: '${table}' }) as a user with the CREATE privilege`,
    );
  }
  if (state.kind === 'incompatible') {
    throw new TokenStoreError(
      'BACKEND',
      `${where} is not a token table: ${state.problem}. Choose another table name`,
    );
  }
  if (state.kind === 'outdated') {
    const shown = state.problems.slice(0, 3).join('; ');
    const more = state.problems.length > 3 ? `; and ${state.problems.length - 3} more` : '';
    throw new TokenStoreError(
      'BACKEND',
      `${where} has an older layout, such as the one Zoho's SDKs create (${shown}${more}). ` +
        `The store does not use it as it is: run upgradeMysqlTable({ url, table: '${table}' }) once to convert it`,
    );
  }
}
