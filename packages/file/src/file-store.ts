/**
 * The file store: every record in one local file. Reads take no lock: they serve an
 * in-memory table that is read again when the file changed. Every write takes the lock
 * file, reads the file again if another writer changed it, and replaces it atomically.
 */
import { dirname, resolve } from 'node:path';

import {
  DEFAULT_TIMEOUT_MS,
  TokenStoreError,
  conflictError,
  createTokenStore,
  findConflictingField,
  resolveUpsert,
  type CommonStoreOptions,
  type LookupKey,
  type OAuthToken,
  type StoredToken,
  type TokenStore,
  type TokenStoreBackend,
  type TokenStoreLogger,
  checkOptionNames,
  invalidOptionsError,
} from '@tokenstore/core';

import { ensureFolder, removeLeftoverTempFiles, replaceFileAtomically } from './atomic-write.js';
import { classifyFileError } from './classify-error.js';
import {
  UNREAD,
  isSameVersion,
  readSnapshot,
  statVersion,
  versionOfHandle,
  type FileSnapshot,
} from './file-snapshot.js';
import { serializeRecords } from './format.js';
import { acquireLock } from './lock.js';
import { TimedMutex } from './mutex.js';
import { TokenTable } from './token-table.js';

/** Options of `createFileStore`. */
export interface FileStoreOptions extends CommonStoreOptions {
  /**
   * The store file. A relative path is resolved against the working directory when the
   * store is created. Missing folders are created with mode 0700 on the first save. The
   * lock file is this path with `.lock` appended.
   */
  path: string;
}

/**
 * Creates a store that keeps its records in one local file. Nothing is read or created
 * before the first call. `timeoutMs` bounds how long a write waits for the lock.
 *
 * @throws TokenStoreError `INVALID_OPTIONS` when `path` is not a non-empty string or
 *   `timeoutMs` is not a positive number.
 */
export function createFileStore(options: FileStoreOptions): TokenStore {
  return createTokenStore('file', new FileBackend(options));
}

/** The outcome of a write's change: the next table when anything changed, and the operation's result. */
interface WriteOutcome<T> {
  table?: TokenTable;
  result: T;
}

class FileBackend implements TokenStoreBackend {
  readonly #path: string;
  readonly #lockPath: string;
  readonly #timeoutMs: number;
  readonly #logger: TokenStoreLogger | undefined;
  readonly #writes = new TimedMutex();
  #snapshot: FileSnapshot = UNREAD;
  // Counts installed snapshots, so that a slow read does not replace a newer one.
  #installs = 0;

  constructor(options: FileStoreOptions) {
    checkOptionNames('file', 'createFileStore', options, ['path', 'timeoutMs', 'logger']);
    const { path, timeoutMs = DEFAULT_TIMEOUT_MS, logger } = options;
    if (typeof path !== 'string' || path === '') {
      throw invalidOptionsError('file', 'createFileStore', 'path must be a non-empty string');
    }
    if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
      throw invalidOptionsError(
        'file',
        'createFileStore',
        'timeoutMs must be a positive number of milliseconds',
      );
    }
    this.#path = resolve(path);
    this.#lockPath = `${this.#path}.lock`;
    this.#timeoutMs = timeoutMs;
    this.#logger = logger;
  }

  async find(key: LookupKey): Promise<StoredToken | null> {
    return (await this.#currentTable()).find(key);
  }

  async list(): Promise<StoredToken[]> {
    return (await this.#currentTable()).records();
  }

  save(token: OAuthToken, key: LookupKey | null): Promise<StoredToken> {
    return this.#write({ createsFile: true }, (table) => {
      const existing = key === null ? null : table.find(key);
      const record = resolveUpsert(existing, token);

      const conflict = findConflictingField(record, (field, value) => table.holderOf(field, value));
      if (conflict !== undefined) {
        throw conflictError(conflict);
      }
      return { table: table.withRecord(record), result: record };
    });
  }

  delete(id: string): Promise<void> {
    return this.#write({ createsFile: false }, (table) => {
      if (table.find({ field: 'id', value: id }) === null) {
        return { result: undefined };
      }
      return { table: table.withoutRecord(id), result: undefined };
    });
  }

  clear(): Promise<void> {
    return this.#write({ createsFile: false }, (table) =>
      table.size === 0 ? { result: undefined } : { table: TokenTable.EMPTY, result: undefined },
    );
  }

  async close(): Promise<void> {
    const { handle } = this.#snapshot;
    this.#snapshot = UNREAD;
    this.#installs += 1;
    await handle?.close();
  }

  classifyError(error: unknown): TokenStoreError | undefined {
    return classifyFileError(error, this.#path);
  }

  /** Returns the table of the file as it is now, reading it only when it changed. */
  async #currentTable(): Promise<TokenTable> {
    const version = await statVersion(this.#path);
    if (isSameVersion(this.#snapshot.version, version)) {
      return this.#snapshot.table;
    }

    const installsBefore = this.#installs;
    const snapshot = await readSnapshot(this.#path);
    if (this.#installs === installsBefore) {
      this.#install(snapshot);
    } else {
      await snapshot.handle?.close();
    }
    return snapshot.table;
  }

  #install(snapshot: FileSnapshot): void {
    const previous = this.#snapshot.handle;
    this.#snapshot = snapshot;
    this.#installs += 1;
    if (previous !== undefined && previous !== snapshot.handle) {
      previous
        .close()
        .catch((error: unknown) => this.#warn('closing a replaced version of', error));
    }
  }

  /**
   * Runs `change` on the current table while holding the lock, and writes the table it
   * returns. Writes of this object queue in order, and the deadline covers the queue and the
   * lock together.
   */
  async #write<T>(
    { createsFile }: { createsFile: boolean },
    change: (table: TokenTable) => WriteOutcome<T>,
  ): Promise<T> {
    const deadline = Date.now() + this.#timeoutMs;
    const release = await this.#writes.acquire(deadline, () => this.#queueTimeout());
    try {
      // Deleting from a missing file changes nothing, and must not create its folder.
      if (!createsFile && (await statVersion(this.#path)) === null) {
        return change(TokenTable.EMPTY).result;
      }
      if (createsFile) {
        await this.#ensureFolder();
      }
      return await this.#writeLocked(deadline, change);
    } finally {
      release();
    }
  }

  async #writeLocked<T>(
    deadline: number,
    change: (table: TokenTable) => WriteOutcome<T>,
  ): Promise<T> {
    const lock = await acquireLock({
      lockPath: this.#lockPath,
      deadline,
      timeoutMs: this.#timeoutMs,
      logger: this.#logger,
    });
    try {
      if (lock.tookOverStaleLock) {
        await this.#removeLeftoverTempFiles();
      }
      const outcome = change(await this.#currentTable());
      if (outcome.table !== undefined) {
        await this.#commit(outcome.table);
      }
      return outcome.result;
    } finally {
      // The write is done or has failed by now. A lock file that cannot be removed must
      // not turn a completed save into a reported failure, so the error is only logged.
      await lock
        .release()
        .catch((error: unknown) => this.#warn('releasing the lock file of', error));
    }
  }

  async #commit(table: TokenTable): Promise<void> {
    const handle = await replaceFileAtomically(
      this.#path,
      serializeRecords(table.records()),
      (error) => this.#warn('fsync of the folder after replacing', error),
    );

    let version;
    try {
      version = await versionOfHandle(handle);
    } catch (error) {
      // The new file is in place. Without its version, the next call reads it again.
      await handle.close().catch(() => undefined);
      this.#warn('reading the version of', error);
      this.#install(UNREAD);
      return;
    }
    this.#install({ table, version, handle });
  }

  async #ensureFolder(): Promise<void> {
    const created = await ensureFolder(dirname(this.#path), (error) =>
      this.#warn('fsync of a folder created for', error),
    );
    if (created !== undefined) {
      this.#logger?.info?.(`created the folder ${created} with mode 0700`);
    }
  }

  async #removeLeftoverTempFiles(): Promise<void> {
    const removed = await removeLeftoverTempFiles(this.#path);
    if (removed > 0) {
      this.#logger?.warn?.(
        `removed ${removed} temporary file(s) left by an interrupted write of ${this.#path}`,
      );
    }
  }

  #queueTimeout(): TokenStoreError {
    return new TokenStoreError(
      'UNAVAILABLE',
      `timed out after ${this.#timeoutMs} ms waiting for earlier writes of this store object to ${this.#path}`,
    );
  }

  #warn(action: string, error: unknown): void {
    const code = (error as NodeJS.ErrnoException | null)?.code ?? 'unknown error';
    this.#logger?.warn?.(`${action} the token file ${this.#path} failed (${code})`);
  }
}
