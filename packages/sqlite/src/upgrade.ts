/**
 * `upgradeSqliteTable`: the explicit, one-time conversion of a token table in an older
 * layout into the layout the store uses. The older layout is the one Zoho's SDKs and
 * samples create: varchar columns, the expiry as text, `''` or `'null'` in empty
 * cells, and no unique indexes.
 */
import { existsSync } from 'node:fs';

import { TokenStoreError } from '@tokenstore/core';

import { openDatabase, type Database } from './driver.js';
import { toStoreError } from './errors.js';
import { tightenFileModes } from './files.js';
import { convertLegacyRows, type ConvertedRows } from './legacy-rows.js';
import { MEMORY_PATH, resolveOptions, type SqliteUpgradeOptions } from './options.js';
import {
  COLUMNS,
  createIndexSqls,
  createTableSql,
  inspectTable,
  quoteIdentifier,
} from './schema.js';
import { statementTexts } from './statements.js';

/** The outcome of `upgradeSqliteTable`. */
export interface SqliteUpgradeResult {
  /** The table that was checked. */
  table: string;
  /** `true` when the table was rebuilt; `false` when it already had the current layout. */
  upgraded: boolean;
  /** Records in the table afterwards. */
  records: number;
  /** Cells that held `''` or the text `'null'` and now hold NULL. */
  emptiedCells: number;
  /** Records that had no id and were given a generated one. */
  generatedIds: number;
}

const OPERATION = 'upgradeSqliteTable';

/**
 * Rebuilds a token table of an older layout in one transaction. The new table has TEXT
 * columns of any length and the expiry as an INTEGER of epoch milliseconds. Ids become
 * text, `''` and `'null'` become NULL, and the user name and each token column get a
 * unique index. Run it once, while no application writes to the table. A table that
 * already has the current layout is left as it is.
 *
 * @throws TokenStoreError `CONFLICT` when records share a user name, a token value or
 *   an id, or `CORRUPT` when an expiry or a text cell cannot be converted; the message
 *   says which columns and how many records, and nothing is changed. `BACKEND` when the
 *   file or the table does not exist or is not a token table.
 */
export async function upgradeSqliteTable(
  options: SqliteUpgradeOptions,
): Promise<SqliteUpgradeResult> {
  const { path, table, timeoutMs, logger } = resolveOptions(options, OPERATION);
  try {
    if (path === MEMORY_PATH || !existsSync(path)) {
      throw new TokenStoreError('BACKEND', `no database file at ${path}`);
    }
    tightenFileModes(path, logger);

    const db = openDatabase(path, { readonly: false, timeoutMs, fileMustExist: true });
    try {
      const result = db.transaction(() => upgradeTable(db, table, path)).immediate();
      if (result.upgraded) {
        logger?.info?.(
          `upgraded table ${quoteIdentifier(table)} in ${path}: ${result.records} records`,
        );
      }
      return result;
    } finally {
      db.close();
    }
  } catch (error) {
    throw toStoreError(error, OPERATION, timeoutMs, path);
  }
}

function upgradeTable(db: Database, table: string, path: string): SqliteUpgradeResult {
  const state = inspectTable(db, table);
  if (state.kind === 'missing') {
    throw new TokenStoreError('BACKEND', `no table ${quoteIdentifier(table)} in ${path}`);
  }
  if (state.kind === 'incompatible') {
    throw new TokenStoreError(
      'BACKEND',
      `table ${quoteIdentifier(table)} in ${path} is not a token table: it has no column ${state.missingColumns.join(', ')}`,
    );
  }
  if (state.kind === 'current') {
    const records = db
      .prepare(`SELECT count(*) FROM ${quoteIdentifier(table)}`)
      .pluck()
      .get() as number;
    return { table, upgraded: false, records, emptiedCells: 0, generatedIds: 0 };
  }

  const rows = db.prepare(`SELECT ${COLUMNS.join(', ')} FROM ${quoteIdentifier(table)}`).all();
  const converted = convertLegacyRows(rows as Record<string, unknown>[]);
  const refusal = describeRefusal(converted);
  if (refusal !== undefined) {
    throw new TokenStoreError(
      refusal.code,
      `cannot upgrade table ${quoteIdentifier(table)} in ${path}: ${refusal.detail}. ` +
        'Nothing was changed: merge or delete those records, then run the upgrade again',
    );
  }

  replaceTable(db, table, converted);
  return {
    table,
    upgraded: true,
    records: converted.rows.length,
    emptiedCells: converted.emptiedCells,
    generatedIds: converted.generatedIds,
  };
}

// Builds the new table beside the old one, then swaps them. SQLite's DDL is
// transactional, so a failure at any step leaves the old table as it was.
function replaceTable(db: Database, table: string, converted: ConvertedRows): void {
  const staging = `${table}_tokenstore_upgrade`;
  db.prepare(createTableSql(staging)).run();
  const insert = db.prepare(statementTexts(staging).insert);
  for (const row of converted.rows) {
    insert.run(row);
  }
  db.prepare(`DROP TABLE ${quoteIdentifier(table)}`).run();
  db.prepare(`ALTER TABLE ${quoteIdentifier(staging)} RENAME TO ${quoteIdentifier(table)}`).run();
  for (const sql of createIndexSqls(table)) {
    db.prepare(sql).run();
  }
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
      `${converted.invalidExpiries} ${plural(converted.invalidExpiries)} an expiry_time that is not a whole number of epoch milliseconds`,
    );
  }
  for (const [column, count] of converted.blobCells) {
    parts.push(`${count} ${plural(count)} a blob in ${column}`);
  }
  if (parts.length === 0) {
    return undefined;
  }
  return {
    code: converted.duplicates.length > 0 ? 'CONFLICT' : 'CORRUPT',
    detail: parts.join('; '),
  };
}

function plural(count: number): string {
  return count === 1 ? 'record holds' : 'records hold';
}
