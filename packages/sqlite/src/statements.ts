/**
 * The fixed set of statements the store runs on its table. Each is prepared once per
 * connection, and every value is bound to a placeholder: no value ever becomes SQL text.
 */
import { ZOHO_COLUMNS, type LookupField } from '@tokenstore/core';

import type { Database, Statement } from './driver.js';
import { COLUMNS, quoteIdentifier } from './schema.js';

/** The names of the store's statements. */
export type StatementName =
  | 'findById'
  | 'findByUserName'
  | 'findByAccessToken'
  | 'findByRefreshToken'
  | 'findByGrantToken'
  | 'insert'
  | 'update'
  | 'deleteById'
  | 'deleteAll'
  | 'selectAll';

/** The statement that finds a record by each lookup field. */
export const FIND_STATEMENTS: Readonly<Record<LookupField, StatementName>> = {
  id: 'findById',
  userName: 'findByUserName',
  accessToken: 'findByAccessToken',
  refreshToken: 'findByRefreshToken',
  grantToken: 'findByGrantToken',
};

/** The prepared statements of one connection. */
export type TokenStatements = Readonly<Record<StatementName, Statement>>;

/**
 * Returns the SQL text of every statement for `table`. Rows are bound by column name
 * (`@user_name`), lookup values by position.
 */
export function statementTexts(table: string): Readonly<Record<StatementName, string>> {
  const from = `FROM ${quoteIdentifier(table)}`;
  const select = `SELECT ${COLUMNS.join(', ')} ${from}`;
  // An explicit BINARY collation keeps matching exact even on a table whose columns were
  // declared with another collation, such as NOCASE.
  const findBy = (field: LookupField): string =>
    `${select} WHERE ${ZOHO_COLUMNS[field]} = ? COLLATE BINARY`;
  const updated = COLUMNS.filter((column) => column !== ZOHO_COLUMNS.id);

  return {
    findById: findBy('id'),
    findByUserName: findBy('userName'),
    findByAccessToken: findBy('accessToken'),
    findByRefreshToken: findBy('refreshToken'),
    findByGrantToken: findBy('grantToken'),
    insert:
      `INSERT INTO ${quoteIdentifier(table)} (${COLUMNS.join(', ')}) ` +
      `VALUES (${COLUMNS.map((column) => `@${column}`).join(', ')})`,
    update:
      `UPDATE ${quoteIdentifier(table)} ` +
      `SET ${updated.map((column) => `${column} = @${column}`).join(', ')} ` +
      `WHERE ${ZOHO_COLUMNS.id} = @${ZOHO_COLUMNS.id} COLLATE BINARY`,
    deleteById: `DELETE ${from} WHERE ${ZOHO_COLUMNS.id} = ? COLLATE BINARY`,
    deleteAll: `DELETE ${from}`,
    // Insertion order, so that getTokens() lists records the same way on every call.
    selectAll: `${select} ORDER BY rowid`,
  };
}

/** Prepares every statement of `statementTexts` on `db`. */
export function prepareStatements(db: Database, table: string): TokenStatements {
  const texts = statementTexts(table);
  const entries = Object.entries(texts).map(([name, text]) => [name, db.prepare(text)]);
  return Object.fromEntries(entries) as TokenStatements;
}
