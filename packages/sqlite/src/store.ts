/**
 * `createSqliteStore`: a token store on one table of a SQLite database through
 * better-sqlite3. The database is opened on first use. Every write runs in an
 * IMMEDIATE transaction, which takes the write lock at its start. So a write waits for
 * other connections up to the busy timeout, and never fails on upgrading a read lock.
 */
import {
  createTokenStore,
  resolveUpsert,
  type LookupKey,
  type OAuthToken,
  type StoredToken,
  type TokenStore,
  type TokenStoreBackend,
  type TokenStoreError,
} from '@tokenstore/core';

import { openDatabase, type Database } from './driver.js';
import { classifySqliteError, conflictFromConstraint } from './errors.js';
import { prepareDatabaseFile } from './files.js';
import {
  MEMORY_PATH,
  resolveOptions,
  type ResolvedOptions,
  type SqliteStoreOptions,
} from './options.js';
import { rowToToken, tokenToRow } from './rows.js';
import { ensureTable } from './schema.js';
import { FIND_STATEMENTS, prepareStatements, type TokenStatements } from './statements.js';

/**
 * Creates a token store on a SQLite database file (or `:memory:`). Nothing is opened
 * until the first call; then the file, its folder and the table are created when
 * missing. Several stores and processes can share one file.
 *
 * @throws TokenStoreError `BACKEND` when an option is invalid.
 */
export function createSqliteStore(options: SqliteStoreOptions): TokenStore {
  const settings = resolveOptions(options, 'createSqliteStore');
  return createTokenStore('sqlite', new SqliteBackend(settings));
}

interface OpenConnection {
  db: Database;
  statements: TokenStatements;
  save: (token: OAuthToken, key: LookupKey | null) => StoredToken;
  remove: (id: string) => void;
  clear: () => void;
}

class SqliteBackend implements TokenStoreBackend {
  readonly #options: ResolvedOptions;
  #connection: OpenConnection | undefined;

  constructor(options: ResolvedOptions) {
    this.#options = options;
  }

  async find(key: LookupKey): Promise<StoredToken | null> {
    return this.#findRecord(this.#open().statements, key);
  }

  async save(token: OAuthToken, key: LookupKey | null): Promise<StoredToken> {
    const { save } = this.#open();
    try {
      return save(token, key);
    } catch (error) {
      throw conflictFromConstraint(error) ?? error;
    }
  }

  async delete(id: string): Promise<void> {
    this.#open().remove(id);
  }

  async list(): Promise<StoredToken[]> {
    const rows = this.#open().statements.selectAll.all() as Record<string, unknown>[];
    return rows.map(rowToToken);
  }

  async clear(): Promise<void> {
    this.#open().clear();
  }

  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    connection?.db.close();
  }

  classifyError(error: unknown): TokenStoreError | undefined {
    return classifySqliteError(error, this.#options.timeoutMs, this.#options.path);
  }

  #findRecord(statements: TokenStatements, key: LookupKey): StoredToken | null {
    const row = statements[FIND_STATEMENTS[key.field]].get(key.value) as
      Record<string, unknown> | undefined;
    return row === undefined ? null : rowToToken(row);
  }

  // Opens the connection on first use. better-sqlite3 is synchronous, so no other call
  // can run while this one opens, and a failed open leaves nothing open for the next try.
  #open(): OpenConnection {
    if (this.#connection !== undefined) {
      return this.#connection;
    }
    const { path, table, timeoutMs, readonly, logger } = this.#options;
    const inMemory = path === MEMORY_PATH;
    if (!inMemory && !readonly) {
      prepareDatabaseFile(path, logger);
    }

    const db = openDatabase(path, { readonly, timeoutMs, fileMustExist: !inMemory });
    try {
      if (!inMemory && !readonly) {
        configureJournal(db, path, this.#options);
      }
      ensureTable(db, table, {
        readonly,
        location: inMemory ? 'the in-memory database' : path,
        logger,
      });
      this.#connection = this.#connect(db, prepareStatements(db, table));
      logger?.debug?.(`opened ${path}`);
      return this.#connection;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  #connect(db: Database, statements: TokenStatements): OpenConnection {
    const save = db.transaction((token: OAuthToken, key: LookupKey | null): StoredToken => {
      const existing = key === null ? null : this.#findRecord(statements, key);
      const record = resolveUpsert(existing, token);
      const write = existing === null ? statements.insert : statements.update;
      write.run(tokenToRow(record));
      return record;
    });
    const remove = db.transaction((id: string) => statements.deleteById.run(id));
    const clear = db.transaction(() => statements.deleteAll.run());

    return {
      db,
      statements,
      save: (token, key) => save.immediate(token, key),
      remove: (id) => void remove.immediate(id),
      clear: () => void clear.immediate(),
    };
  }
}

// WAL lets readers run while one connection writes, and FULL makes every acknowledged
// commit survive a power loss, not only a crash of the process.
function configureJournal(db: Database, path: string, options: ResolvedOptions): void {
  const mode = db.prepare('PRAGMA journal_mode = WAL').pluck().get();
  if (mode !== 'wal') {
    options.logger?.warn?.(
      `SQLite kept journal mode ${String(mode)} for ${path}: WAL is not available there`,
    );
  }
  db.prepare('PRAGMA synchronous = FULL').run();
}
