/**
 * One version of the store file as read from disk, and how to tell whether the file
 * on disk is still that version without reading it.
 *
 * Writers replace the file by renaming a new one over it, so a changed file has a new
 * inode. But a freed inode number can be given to the next new file (ext4 does this).
 * So a snapshot keeps its file open, because an open inode is not freed, and its number
 * cannot come back while the snapshot lives. Size and timestamps are compared
 * too, for programs that edit the file in place.
 */
import { constants, type BigIntStats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';

import { TokenStoreError } from '@tokenstore/core';

import { parseRecords } from './format.js';
import { TokenTable } from './token-table.js';

/** The identity and state of one version of a file. */
export interface FileVersion {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

/** The records of one version of the store file. */
export interface FileSnapshot {
  table: TokenTable;
  /** The version read, or `null` when the file did not exist. */
  version: FileVersion | null;
  /** The open file that keeps the inode number unique. Close it when the snapshot is replaced. */
  handle: FileHandle | undefined;
}

/** A snapshot that matches no file, for a store that has read nothing yet. */
export const UNREAD: FileSnapshot = {
  table: TokenTable.EMPTY,
  version: { dev: -1n, ino: -1n, size: -1n, mtimeNs: -1n, ctimeNs: -1n },
  handle: undefined,
};

// O_NONBLOCK keeps open() from waiting forever when a FIFO is in the file's place.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Returns the version of the file at `path`, or `null` when there is none. */
export async function statVersion(path: string): Promise<FileVersion | null> {
  try {
    return versionOf(await stat(path, { bigint: true }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Tells whether two versions are the same file with the same content. */
export function isSameVersion(a: FileVersion | null, b: FileVersion | null): boolean {
  if (a === null || b === null) {
    return a === b;
  }
  return (
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.size === b.size &&
    a.mtimeNs === b.mtimeNs &&
    a.ctimeNs === b.ctimeNs
  );
}

/**
 * Reads and parses the file at `path`. A missing file is an empty store.
 *
 * @throws TokenStoreError `CORRUPT` when the content is not a valid token file, and
 *   `BACKEND` when something other than a file or a directory is in its place.
 */
export async function readSnapshot(path: string): Promise<FileSnapshot> {
  let handle: FileHandle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { table: TokenTable.EMPTY, version: null, handle: undefined };
    }
    throw error;
  }

  try {
    const stats = await handle.stat({ bigint: true });
    // A directory is left to readFile(), which fails with EISDIR as the cause.
    if (!stats.isFile() && !stats.isDirectory()) {
      throw new TokenStoreError('BACKEND', `the token file path ${path} is not a regular file`);
    }
    const records = parseRecords(await handle.readFile(), path);
    return { table: new TokenTable(records), version: versionOf(stats), handle };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Returns the version of an open file. */
export async function versionOfHandle(handle: FileHandle): Promise<FileVersion> {
  return versionOf(await handle.stat({ bigint: true }));
}

function versionOf(stats: BigIntStats): FileVersion {
  const { dev, ino, size, mtimeNs, ctimeNs } = stats;
  return { dev, ino, size, mtimeNs, ctimeNs };
}
