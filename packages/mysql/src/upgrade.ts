/**
 * `upgradeMysqlTable`: the explicit, one-time conversion of a token table in an older
 * layout, such as the one Zoho's SDKs create (varchar(255) tokens, `id varchar(10)`, the
 * expiry as text, `''` or `'null'` in empty cells, no unique indexes), into the store's.
 */
import { TokenStoreError, type TokenStoreLogger } from '@tokenstore/core';

import { ConnectionSource } from './connections.js';
import type { Session } from './session.js';
import { toStoreError } from './errors.js';
import { convertLegacyRows, type ConvertedRows } from './legacy-rows.js';
import { resolveOptions, type MysqlConnectionOptions } from './options.js';
import { insertValues } from './rows.js';
import {
  COLUMNS,
  createTableSql,
  currentDatabase,
  inspectTable,
  quoteIdentifier,
} from './schema.js';
import { statementTexts } from './statements.js';
import { stepBudget } from './time-budget.js';

/** The outcome of `upgradeMysqlTable`. */
export interface MysqlUpgradeResult {
  /** The table that was checked. */
  table: string;
  /** `true` when the table was rebuilt; `false` when it already had the store's layout. */
  upgraded: boolean;
  /** Records in the table afterwards. */
  records: number;
  /** Cells that held `''` or the text `'null'` and are now NULL. */
  emptiedCells: number;
  /** Records that had no id and were given a generated one. */
  generatedIds: number;
}

const OPERATION = 'upgradeMysqlTable';

/**
 * Rebuilds a token table of an older layout in the store's layout. The new table has
 * binary columns for values of up to 16 MiB, the expiry as BIGINT, and a hash column
 * with a unique index for the user name and each token. `''` and `'null'` become NULL,
 * and the expiry text becomes a number. A table that already has the store's layout is
 * left as it is.
 *
 * MySQL commits every DDL statement at once, so the upgrade checks everything first,
 * builds the new table under a temporary name, and swaps the two with one atomic
 * RENAME TABLE; a failure before the swap leaves the old table as it was. Run it once,
 * while no application writes to the table.
 *
 * @throws TokenStoreError `CONFLICT` when records share a user name, a token value or an
 *   id, or `CORRUPT` when a cell cannot be converted; the message names the columns and
 *   counts the records, never their values, and nothing is changed. `BACKEND` when the
 *   table does not exist, is not a token table, or changed during the upgrade.
 */
export async function upgradeMysqlTable(
  options: MysqlConnectionOptions,
): Promise<MysqlUpgradeResult> {
  const settings = resolveOptions(options, OPERATION, 'schema');
  const source = ConnectionSource.fromOptions({ ...settings, connectionLimit: 1 }, OPERATION);
  try {
    const result = await source.withSession(stepBudget(settings.timeoutMs), (session) =>
      upgradeTable(session, settings.table, settings.logger),
    );
    if (result.upgraded) {
      settings.logger?.info?.(
        `upgraded table ${quoteIdentifier(settings.table)}: ${result.records} records`,
      );
    }
    return result;
  } catch (error) {
    throw toStoreError(error, OPERATION);
  } finally {
    await source.close();
  }
}

async function upgradeTable(
  session: Session,
  table: string,
  logger: TokenStoreLogger | undefined,
): Promise<MysqlUpgradeResult> {
  const database = (await currentDatabase(session)) ?? '(none)';
  const where = `table ${quoteIdentifier(table)} in database ${quoteIdentifier(database)}`;
  const state = await inspectTable(session, table);
  if (state.kind === 'missing') {
    throw new TokenStoreError('BACKEND', `${where} does not exist: check the table option`);
  }
  if (state.kind === 'incompatible') {
    throw new TokenStoreError(
      'BACKEND',
      `${where} is not a token table: ${state.problem}. Check the table option`,
    );
  }
  if (state.kind === 'current') {
    const records = await countRows(session, table);
    return { table, upgraded: false, records, emptiedCells: 0, generatedIds: 0 };
  }

  const rows = await session.query<Record<string, unknown>[]>(
    `SELECT ${COLUMNS.join(', ')} FROM ${quoteIdentifier(table)}`,
  );
  const converted = convertLegacyRows(rows);
  const refusal = describeRefusal(converted);
  if (refusal !== undefined) {
    throw new TokenStoreError(
      refusal.code,
      `cannot upgrade ${where}: ${refusal.detail}. ` +
        'Nothing was changed: merge or delete those records, then run the upgrade again',
    );
  }

  await replaceTable(session, table, converted, rows.length, logger);
  return {
    table,
    upgraded: true,
    records: converted.records.length,
    emptiedCells: converted.emptiedCells,
    generatedIds: converted.generatedIds,
  };
}

async function replaceTable(
  session: Session,
  table: string,
  converted: ConvertedRows,
  rowsRead: number,
  logger: TokenStoreLogger | undefined,
): Promise<void> {
  const staging = `${table}__upgrade_new`;
  const retired = `${table}__upgrade_old`;
  if ((await inspectTable(session, retired)).kind !== 'missing') {
    throw new TokenStoreError(
      'BACKEND',
      `a table ${quoteIdentifier(retired)} is left from an earlier upgrade: drop or rename it, then run the upgrade again`,
    );
  }

  // A staging table can only be left over from an upgrade that failed before its swap.
  await session.query(`DROP TABLE IF EXISTS ${quoteIdentifier(staging)}`);
  await session.query(createTableSql(staging, { ifNotExists: false }));
  try {
    await copyRecords(session, staging, converted);
    if ((await countRows(session, table)) !== rowsRead) {
      throw new TokenStoreError(
        'BACKEND',
        `table ${quoteIdentifier(table)} changed during the upgrade: stop the applications that write to it, then run the upgrade again`,
      );
    }
    await session.query(
      `RENAME TABLE ${quoteIdentifier(table)} TO ${quoteIdentifier(retired)}, ` +
        `${quoteIdentifier(staging)} TO ${quoteIdentifier(table)}`,
    );
  } catch (error) {
    await session.query(`DROP TABLE IF EXISTS ${quoteIdentifier(staging)}`).catch(() => undefined);
    throw error;
  }

  try {
    await session.query(`DROP TABLE ${quoteIdentifier(retired)}`);
  } catch (error) {
    // The upgrade itself is complete: the store's table is in place.
    logger?.warn?.(
      `upgraded table ${quoteIdentifier(table)}, but could not drop the old rows kept in ${quoteIdentifier(retired)} (${describeCode(error)}): drop it yourself`,
    );
  }
}

function describeCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

// The copy runs through the text protocol, which sends every string as a hex literal of
// its bytes. So it leaves no prepared statement behind for a table that is renamed next.
async function copyRecords(
  session: Session,
  staging: string,
  converted: ConvertedRows,
): Promise<void> {
  const insert = statementTexts(staging).insert;
  await session.query('START TRANSACTION');
  for (const record of converted.records) {
    await session.query(insert, insertValues(record), { writes: true });
  }
  await session.query('COMMIT', [], { writes: true });
}

async function countRows(session: Session, table: string): Promise<number> {
  const [row] = await session.query<Record<string, unknown>[]>(
    `SELECT COUNT(*) AS records FROM ${quoteIdentifier(table)}`,
  );
  return Number(row?.records ?? 0);
}

function describeRefusal(
  converted: ConvertedRows,
): { code: 'CONFLICT' | 'CORRUPT'; detail: string } | undefined {
  const parts = converted.duplicates.map(
    ({ column, records, values }) =>
      `${records} records share ${values === 1 ? 'a value' : `${values} values`} in ${column}`,
  );
  if (converted.invalidExpiries > 0) {
    parts.push(
      `${recordsHold(converted.invalidExpiries)} an expiry_time that is not a whole number of epoch milliseconds`,
    );
  }
  for (const [column, cells] of converted.unreadableCells) {
    parts.push(`${recordsHold(cells)} bytes in ${column} that are not UTF-8 text`);
  }
  for (const [column, cells] of converted.oversizedCells) {
    parts.push(`${recordsHold(cells)} a value in ${column} longer than the new column holds`);
  }
  if (parts.length === 0) {
    return undefined;
  }
  return {
    code: converted.duplicates.length > 0 ? 'CONFLICT' : 'CORRUPT',
    detail: parts.join('; '),
  };
}

function recordsHold(count: number): string {
  return count === 1 ? '1 record holds' : `${count} records hold`;
}
