/**
 * The lock file `<store file>.lock`, which makes the read-modify-write of every save
 * exclusive across processes. It is created with O_EXCL and contains the pid, host
 * name and creation time of its holder. A waiter polls with a short backoff until its
 * deadline.
 *
 * A stale lock (its process no longer runs on this host, or its content is unreadable
 * and old) is taken over. Two waiters may judge the same lock stale at once, so removal
 * goes through a claim: a hard link `<lock>.break` to the lock file, made with link(2),
 * which fails when the name exists. Only the waiter that made the claim, and finds that
 * it points to the inode it judged stale, removes the lock. So no waiter removes a new
 * lock that another waiter created after the stale one was gone, unless a waiter died
 * while holding a claim (see the NOTE in `handleFailedClaim`).
 */
import { link, open, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

import { TokenStoreError, type TokenStoreLogger } from '@tokenstore/core';

import { FILE_MODE, removeIfPresent } from './atomic-write.js';
import {
  currentProcessIdentity,
  isProcessRunning,
  type ProcessIdentity,
} from './process-identity.js';

/**
 * The age after which a lock file with unreadable content is taken for the leftover
 * of a writer that died between creating it and writing its content. A live
 * holder writes the content right after creating the file, then checks that the lock
 * file is still its own before it goes on.
 */
export const UNREADABLE_LOCK_STALE_MS = 2000;

/**
 * The age after which a claim to remove a stale lock is taken for the leftover of a
 * waiter that died while removing the lock. A live waiter keeps its claim for a few
 * system calls.
 */
export const CLAIM_STALE_MS = 10_000;

const FIRST_BACKOFF_MS = 2;
const MAX_BACKOFF_MS = 64;

// Filesystems without hard links fail link(2) with one of these codes.
const NO_HARD_LINK_CODES = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

/** A lock this process holds. */
export interface HeldLock {
  /** Whether a stale lock had to be removed first, so a writer may have died mid-write. */
  readonly tookOverStaleLock: boolean;
  /** Removes the lock file, if it is still this lock's. */
  release(): Promise<void>;
}

/** The input of `acquireLock`. */
export interface LockRequest {
  lockPath: string;
  /** Epoch milliseconds after which the wait fails with `UNAVAILABLE`. */
  deadline: number;
  /** The wait's length, shown in the timeout message. */
  timeoutMs: number;
  logger?: TokenStoreLogger | undefined;
}

/** The device and inode of a lock file, which tell one lock file from the next. */
interface LockFile {
  dev: number;
  ino: number;
}

/** An existing lock file, as a waiter reads it. */
interface LockHolder extends LockFile {
  mtimeMs: number;
  /** `undefined` when the content is missing or not a lock record. */
  identity: ProcessIdentity | undefined;
}

/**
 * Takes the lock, waiting while another process holds it.
 *
 * @throws TokenStoreError `UNAVAILABLE` when the deadline passes first.
 */
export async function acquireLock(request: LockRequest): Promise<HeldLock> {
  const { lockPath, deadline } = request;
  let backoffMs = FIRST_BACKOFF_MS;
  let tookOverStaleLock = false;

  for (;;) {
    const created = await tryCreateLock(lockPath);
    if (created !== undefined) {
      return new OwnLock(lockPath, created, tookOverStaleLock);
    }

    const holder = await readLockHolder(lockPath);
    if (holder === undefined) {
      continue; // released in the meantime
    }
    if ((await isStale(holder)) && (await removeStaleLock(lockPath, holder))) {
      tookOverStaleLock = true;
      request.logger?.warn?.(
        `took over the stale lock file ${lockPath} (${describeHolder(holder)}, ${describeStaleness(holder)})`,
      );
      continue;
    }

    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) {
      throw lockTimeout(request, holder);
    }
    await sleep(Math.min(remainingMs, backoffMs * (0.5 + Math.random() / 2)));
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  }
}

/**
 * Removes the lock file if it is still the inode that was judged stale, and returns
 * whether it did. Exported for tests of the race between two waiters.
 */
export async function removeStaleLock(lockPath: string, stale: LockFile): Promise<boolean> {
  const claimPath = `${lockPath}.break`;
  try {
    await link(lockPath, claimPath);
  } catch (error) {
    return handleFailedClaim(error, lockPath, claimPath);
  }

  try {
    // Judged again through the claim, which is the same inode as the lock file: its
    // content may have been written since the first reading.
    const claimed = await readLockHolder(claimPath);
    if (claimed?.dev !== stale.dev || claimed.ino !== stale.ino || !(await isStale(claimed))) {
      return false;
    }
    // Only the holder of the claim removes a stale lock, and a dead holder never
    // releases it, so the lock file is still the stale inode here.
    await unlink(lockPath);
    return true;
  } finally {
    await removeIfPresent(claimPath);
  }
}

class OwnLock implements HeldLock {
  readonly #lockPath: string;
  readonly #file: LockFile;
  readonly tookOverStaleLock: boolean;

  constructor(lockPath: string, file: LockFile, tookOverStaleLock: boolean) {
    this.#lockPath = lockPath;
    this.#file = file;
    this.tookOverStaleLock = tookOverStaleLock;
  }

  release(): Promise<void> {
    return removeOwnLockFile(this.#lockPath, this.#file);
  }
}

async function tryCreateLock(lockPath: string): Promise<LockFile | undefined> {
  let handle;
  try {
    handle = await open(lockPath, 'wx', FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }

  let created: LockFile | undefined;
  try {
    const { dev, ino } = await handle.stat();
    created = { dev, ino };
    const identity = await currentProcessIdentity();
    await handle.writeFile(JSON.stringify({ ...identity, createdAt: new Date().toISOString() }));
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    if (created !== undefined) await removeOwnLockFile(lockPath, created);
    throw error;
  }

  // A waiter may have taken the still empty file for a stale lock and replaced it.
  return (await isOwnLockFile(lockPath, created)) ? created : undefined;
}

async function isOwnLockFile(lockPath: string, own: LockFile): Promise<boolean> {
  const current = await statIfPresent(lockPath);
  return current?.dev === own.dev && current.ino === own.ino;
}

async function removeOwnLockFile(lockPath: string, own: LockFile): Promise<void> {
  if (await isOwnLockFile(lockPath, own)) {
    await unlink(lockPath);
  }
}

async function readLockHolder(lockPath: string): Promise<LockHolder | undefined> {
  let handle;
  try {
    handle = await open(lockPath, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }

  try {
    // The content and the inode come from one descriptor, so they belong together.
    const { dev, ino, mtimeMs } = await handle.stat();
    const identity = parseIdentity(await handle.readFile('utf8'));
    return { dev, ino, mtimeMs, identity };
  } finally {
    await handle.close();
  }
}

function parseIdentity(text: string): ProcessIdentity | undefined {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { pid, hostname, bootId, processStart } = (record ?? {}) as Record<string, unknown>;
  // A pid of 0 or below would make process.kill() signal a whole process group.
  if (!Number.isSafeInteger(pid) || (pid as number) <= 0 || typeof hostname !== 'string') {
    return undefined;
  }

  const identity: ProcessIdentity = { pid: pid as number, hostname };
  if (typeof bootId === 'string') identity.bootId = bootId;
  if (typeof processStart === 'string') identity.processStart = processStart;
  return identity;
}

async function isStale(holder: LockHolder): Promise<boolean> {
  if (holder.identity === undefined) {
    return Date.now() - holder.mtimeMs > UNREADABLE_LOCK_STALE_MS;
  }
  return !(await isProcessRunning(holder.identity));
}

async function handleFailedClaim(
  error: unknown,
  lockPath: string,
  claimPath: string,
): Promise<boolean> {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code === 'ENOENT') {
    return false;
  }
  if (code === 'EEXIST') {
    // Another waiter is removing the lock, or died while doing so.
    const claim = await statIfPresent(claimPath);
    if (claim !== undefined && Date.now() - claim.ctimeMs > CLAIM_STALE_MS) {
      // NOTE: two waiters that both find an old claim may each remove a claim here.
      // That needs a waiter killed mid-removal, then three waiters at once.
      await removeIfPresent(claimPath);
    }
    return false;
  }
  if (NO_HARD_LINK_CODES.has(code)) {
    throw new TokenStoreError(
      'UNAVAILABLE',
      `the lock file ${lockPath} is stale, but this filesystem cannot create the hard link ` +
        'that removes it safely: remove the lock file by hand',
      { cause: error },
    );
  }
  throw error;
}

async function statIfPresent(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function describeHolder({ identity }: LockHolder): string {
  return identity === undefined
    ? 'unreadable content'
    : `pid ${identity.pid} on host ${identity.hostname}`;
}

function describeStaleness({ identity }: LockHolder): string {
  return identity === undefined
    ? `older than ${UNREADABLE_LOCK_STALE_MS} ms`
    : 'that process no longer runs';
}

function lockTimeout(request: LockRequest, holder: LockHolder): TokenStoreError {
  return new TokenStoreError(
    'UNAVAILABLE',
    `timed out after ${request.timeoutMs} ms waiting for the lock file ${request.lockPath}, ` +
      `held by ${describeHolder(holder)}. If that process no longer runs, remove the lock file`,
  );
}
