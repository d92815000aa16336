/**
 * The fixed set of statements the store runs on its table. The texts depend only on the
 * table name, never on which fields a record contains. So each connection prepares at
 * most this many statements. Every value is bound to a placeholder.
 */
import { UNIQUE_FIELDS, ZOHO_COLUMNS, type LookupField } from '@tokenstore/core';

import { COLUMNS, HASH_COLUMNS, quoteIdentifier } from './schema.js';

/** The names of the store's statements. */
export type StatementName =
  | 'findById'
  | 'findByUserName'
  | 'findByAccessToken'
  | 'findByRefreshToken'
  | 'findByGrantToken'
  | 'lockById'
  | 'lockByUserName'
  | 'lockByAccessToken'
  | 'lockByRefreshToken'
  | 'lockByGrantToken'
  | 'insert'
  | 'update'
  | 'deleteById'
  | 'deleteAll'
  | 'selectAll';

/** The statement that finds a record by each lookup field, without a lock. */
export const FIND_STATEMENTS: Readonly<Record<LookupField, StatementName>> = {
  id: 'findById',
  userName: 'findByUserName',
  accessToken: 'findByAccessToken',
  refreshToken: 'findByRefreshToken',
  grantToken: 'findByGrantToken',
};

/** The statement that finds a record by each lookup field and locks it for the upsert. */
export const LOCK_STATEMENTS: Readonly<Record<LookupField, StatementName>> = {
  id: 'lockById',
  userName: 'lockByUserName',
  accessToken: 'lockByAccessToken',
  refreshToken: 'lockByRefreshToken',
  grantToken: 'lockByGrantToken',
};

/** The statement texts for one table. */
export type StatementTexts = Readonly<Record<StatementName, string>>;

/**
 * Returns the text of every statement for `table`. A unique field is looked up through
 * its hash column (which has the unique index) and its value, both bound as bytes, so
 * that matching is exact. Ids are compared as bytes too (the id column is VARBINARY).
 */
export function statementTexts(table: string): StatementTexts {
  const name = quoteIdentifier(table);
  const select = `SELECT ${COLUMNS.join(', ')} FROM ${name}`;
  const where = (field: LookupField): string =>
    field === 'id'
      ? `WHERE ${ZOHO_COLUMNS.id} = ?`
      : `WHERE ${HASH_COLUMNS[field]} = ? AND ${ZOHO_COLUMNS[field]} = ?`;
  const find = (field: LookupField): string => `${select} ${where(field)}`;
  const lock = (field: LookupField): string => `${select} ${where(field)} FOR UPDATE`;

  const written = [...COLUMNS, ...UNIQUE_FIELDS.map((field) => HASH_COLUMNS[field])];
  const updated = written.filter((column) => column !== ZOHO_COLUMNS.id);

  return {
    findById: find('id'),
    findByUserName: find('userName'),
    findByAccessToken: find('accessToken'),
    findByRefreshToken: find('refreshToken'),
    findByGrantToken: find('grantToken'),
    lockById: lock('id'),
    lockByUserName: lock('userName'),
    lockByAccessToken: lock('accessToken'),
    lockByRefreshToken: lock('refreshToken'),
    lockByGrantToken: lock('grantToken'),
    insert: `INSERT INTO ${name} (${written.join(', ')}) VALUES (${written.map(() => '?').join(', ')})`,
    update: `UPDATE ${name} SET ${updated.map((column) => `${column} = ?`).join(', ')} WHERE ${ZOHO_COLUMNS.id} = ?`,
    deleteById: `DELETE FROM ${name} WHERE ${ZOHO_COLUMNS.id} = ?`,
    deleteAll: `DELETE FROM ${name}`,
    // The id order, so that getTokens() lists records the same way on every call.
    selectAll: `${select} ORDER BY ${ZOHO_COLUMNS.id}`,
  };
}

/** The maximum number of statements a connection prepares: the cache size of the store's pool. */
export const STATEMENT_COUNT = Object.keys(statementTexts('t')).length;
