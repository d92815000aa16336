/**
 * File modes of the database: the file is created with mode 0600 before SQLite opens
 * it, because SQLite gives its -wal, -shm and -journal files the main file's mode.
 * The process umask is never changed; it can only remove bits from these modes.
 */
import { closeSync, chmodSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

import { TokenStoreError, type TokenStoreLogger } from '@tokenstore/core';

/** The mode of the database file and the files SQLite creates beside it. */
export const FILE_MODE = 0o600;
/** The mode of a folder the store creates. */
export const FOLDER_MODE = 0o700;

const GROUP_AND_OTHER_BITS = 0o077;
const SIDE_FILE_SUFFIXES = ['-wal', '-shm', '-journal'];
// Every SQLite database file starts with these 16 bytes.
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Creates the database file (mode 0600) and any missing folder (mode 0700), or, when
 * the file exists, tightens it and its side files to 0600 if group or others had access.
 * A file that is not a SQLite database keeps its mode: opening it fails in SQLite, and
 * a failed open changes nothing.
 *
 * @throws TokenStoreError `BACKEND` (or `UNAVAILABLE` when the disk is full) naming the path.
 */
export function prepareDatabaseFile(path: string, logger?: TokenStoreLogger): void {
  const folder = dirname(path);
  const createdFolder = attempt('create the folder', folder, () =>
    mkdirSync(folder, { recursive: true, mode: FOLDER_MODE }),
  );
  if (createdFolder !== undefined) {
    logger?.info?.(`created the folders from ${createdFolder} to ${folder} with mode 0700`);
  }

  if (createFile(path) || !mayBeDatabase(path)) {
    return;
  }
  tightenFileModes(path, logger);
}

// An empty file is a database SQLite has not written yet; any other needs the header.
// What is not a regular file is left for SQLite to reject.
function mayBeDatabase(path: string): boolean {
  if (attempt('read the mode of', path, () => modeOf(path)) === undefined) {
    return true;
  }
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const descriptor = attempt('open', path, () => openSync(path, 'r'));
  try {
    const length = attempt('read', path, () => readSync(descriptor, header, 0, header.length, 0));
    return length === 0 || header.subarray(0, length).equals(SQLITE_HEADER);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Removes group and other permissions from the database file and its -wal, -shm and
 * -journal files where they exist.
 */
export function tightenFileModes(path: string, logger?: TokenStoreLogger): void {
  for (const file of [path, ...SIDE_FILE_SUFFIXES.map((suffix) => path + suffix)]) {
    const mode = attempt('read the mode of', file, () => modeOf(file));
    if (mode === undefined || (mode & GROUP_AND_OTHER_BITS) === 0) {
      continue;
    }
    attempt('change the mode of', file, () => chmodSync(file, FILE_MODE));
    logger?.warn?.(`changed the mode of ${file} from 0${mode.toString(8)} to 0600`);
  }
}

// Returns true when this call created the file; false when it already existed.
function createFile(path: string): boolean {
  try {
    closeSync(openSync(path, 'wx', FILE_MODE));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw fileError('create', path, error);
  }
}

// Returns the permission bits of a regular file, or undefined when there is none.
function modeOf(file: string): number | undefined {
  const stats = statSync(file, { throwIfNoEntry: false });
  return stats?.isFile() ? stats.mode & 0o777 : undefined;
}

function attempt<T>(action: string, path: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    throw fileError(action, path, error);
  }
}

function fileError(action: string, path: string, cause: unknown): TokenStoreError {
  const code = (cause as NodeJS.ErrnoException).code ?? 'unknown error';
  const outOfSpace = code === 'ENOSPC' || code === 'EDQUOT';
  return new TokenStoreError(
    outOfSpace ? 'UNAVAILABLE' : 'BACKEND',
    `cannot ${action} ${path} (${code})`,
    {
      cause,
    },
  );
}
