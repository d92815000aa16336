/**
 * Atomic replacement of the store file: a temporary file in the same folder, created
 * with mode 0600, written, fsynced, renamed over the store file, then the folder
 * fsynced so that the rename itself survives a power loss.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The mode of every file the store creates: read and write for the owner only. */
export const FILE_MODE = 0o600;

/** The mode of every folder the store creates. */
export const FOLDER_MODE = 0o700;

/**
 * Creates the folder and its missing parents with mode 0700, and returns the first
 * folder it created, or `undefined` when the folder existed. The mode is given to
 * `mkdir` itself, and the umask can only remove bits, so no folder is ever wider.
 *
 * The parents of created folders are fsynced, so that the new entries survive a power
 * loss. A failed fsync goes to `onSyncError` because the folders exist either way.
 */
export async function ensureFolder(
  folder: string,
  onSyncError: (error: unknown) => void,
): Promise<string | undefined> {
  const created = await mkdir(folder, { recursive: true, mode: FOLDER_MODE });
  if (created === undefined) {
    return undefined;
  }

  // Walks from the parent of `folder` up to the parent of the first created folder.
  // `folder` itself is fsynced after the store file is renamed into it.
  for (let parent = dirname(folder); ; parent = dirname(parent)) {
    await syncFolder(parent).catch(onSyncError);
    if (parent === dirname(created) || parent === dirname(parent)) break;
  }
  return created;
}

/**
 * Replaces `filePath` with a file that contains `text`, atomically: a reader sees the old
 * file or the new one, never a part of either. Returns the open handle of the new file,
 * which the caller must close.
 *
 * The temporary file is removed when any step before the rename fails. A failed fsync
 * of the folder after the rename is passed to `onFolderSyncError` instead of thrown,
 * because the new file is already in place and visible to every reader.
 */
export async function replaceFileAtomically(
  filePath: string,
  text: string,
  onFolderSyncError: (error: unknown) => void,
): Promise<FileHandle> {
  const tempPath = join(dirname(filePath), tempFileName(filePath));
  // 'wx' fails if the name exists, and the mode applies at creation, never through a chmod.
  const handle = await open(tempPath, 'wx', FILE_MODE);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await rename(tempPath, filePath);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await removeIfPresent(tempPath);
    throw error;
  }

  try {
    await syncFolder(dirname(filePath));
  } catch (error) {
    onFolderSyncError(error);
  }
  return handle;
}

/**
 * Removes the temporary files of `filePath` left by a writer that died before its
 * rename. Call it only while holding the store's lock: every writer holds the lock
 * while its temporary file exists, so any file found then is left over.
 * Returns how many files were removed.
 */
export async function removeLeftoverTempFiles(filePath: string): Promise<number> {
  const pattern = tempFilePattern(filePath);
  const names = await readdir(dirname(filePath));
  let removed = 0;
  for (const name of names) {
    if (pattern.test(name) && (await removeIfPresent(join(dirname(filePath), name)))) {
      removed += 1;
    }
  }
  return removed;
}

/** Removes a file. Returns `false` when it did not exist. */
export async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

// A hidden name unique to this process and write: `.<file name>.<pid>.<16 hex digits>.tmp`.
function tempFileName(filePath: string): string {
  return `.${basename(filePath)}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`;
}

function tempFilePattern(filePath: string): RegExp {
  const escapedName = basename(filePath).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${escapedName}\\.\\d+\\.[0-9a-f]{16}\\.tmp$`);
}
