/**
 * The lock file: a live holder makes writes wait and then fail with UNAVAILABLE, a
 * stale one is taken over, and the takeover never removes another waiter's new lock.
 */
import { link, readFile, rename, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import { isTokenStoreError } from '@tokenstore/core';

import { removeStaleLock } from '../src/lock.js';
import {
  ALICE,
  BOB,
  CAROL,
  listFolder,
  openStore,
  rejectionOf,
  startFixture,
  useTempFolder,
} from './helpers.js';

const hasProcFs = await stat('/proc/self/stat').then(
  () => true,
  () => false,
);

// A lock of this host whose pid is above any pid_max, so no process has it.
const DEAD_LOCK = JSON.stringify({ pid: 999_999_999, hostname: hostname() });

async function useStorePath(): Promise<{ folder: string; path: string; lockPath: string }> {
  const folder = await useTempFolder();
  const path = join(folder, 'tokens.jsonl');
  return { folder, path, lockPath: `${path}.lock` };
}

function recordingLogger(): { warnings: string[]; warn: (message: string) => void } {
  const warnings: string[] = [];
  return { warnings, warn: (message) => warnings.push(message) };
}

async function holdLock(lockPath: string) {
  const holder = startFixture('hold-lock.mjs', [lockPath]);
  await holder.waitForLine('locked');
  return holder;
}

describe('file store lock', () => {
  it('times out while a live process holds the lock', async () => {
    const { path, lockPath } = await useStorePath();
    const holder = await holdLock(lockPath);
    const store = openStore(path, { timeoutMs: 300 });

    const startedAt = Date.now();
    const error = await rejectionOf(store.saveToken(ALICE));
    const elapsedMs = Date.now() - startedAt;

    expect(isTokenStoreError(error, 'UNAVAILABLE'), error.message).toBe(true);
    expect(error.message).toContain(lockPath);
    expect(error.message).toContain(`pid ${holder.child.pid}`);
    expect(elapsedMs).toBeGreaterThanOrEqual(300);
    expect(elapsedMs).toBeLessThan(2300);
    expect(await openStore(path).getTokens()).toEqual([]);
  });

  it('times out queued writes at one deadline', async () => {
    const { path, lockPath } = await useStorePath();
    await holdLock(lockPath);
    const store = openStore(path, { timeoutMs: 300 });

    const startedAt = Date.now();
    const errors = await Promise.all(
      [ALICE, BOB, CAROL].map((token) => rejectionOf(store.saveToken(token))),
    );
    const elapsedMs = Date.now() - startedAt;

    for (const error of errors) {
      expect(isTokenStoreError(error, 'UNAVAILABLE'), error.message).toBe(true);
    }
    // Three writes one after another would take 900 ms.
    expect(elapsedMs).toBeLessThan(800);
  });

  it('waits for a live holder to release', async () => {
    const { path, lockPath } = await useStorePath();
    const holder = await holdLock(lockPath);
    const store = openStore(path, { timeoutMs: 5000 });

    const startedAt = Date.now();
    const saving = store.saveToken(ALICE);
    setTimeout(() => holder.child.stdin?.write('release\n'), 300);
    const saved = await saving;
    const elapsedMs = Date.now() - startedAt;

    expect(saved.userName).toBe(ALICE.userName);
    expect(elapsedMs).toBeGreaterThanOrEqual(290);
    expect((await holder.exited).stdout).toContain('released');
    expect(await openStore(path).findToken({ userName: ALICE.userName })).toEqual(saved);
  });

  it('takes over the lock of a killed process', async () => {
    const { folder, path, lockPath } = await useStorePath();
    const holder = await holdLock(lockPath);
    holder.child.kill('SIGKILL');
    await holder.exited;
    // A temporary file as a writer killed before its rename leaves it.
    const leftover = join(folder, `.tokens.jsonl.${holder.child.pid}.0123456789abcdef.tmp`);
    await writeFile(leftover, 'partial', { mode: 0o600 });
    const logger = recordingLogger();

    const saved = await openStore(path, { timeoutMs: 2000, logger }).saveToken(ALICE);

    expect(saved.userName).toBe(ALICE.userName);
    expect(await listFolder(folder)).toEqual(['tokens.jsonl']);
    expect(logger.warnings.some((line) => line.includes(`stale lock file ${lockPath}`))).toBe(true);
    expect(logger.warnings.some((line) => line.includes('removed 1 temporary file'))).toBe(true);
  });

  it.skipIf(!hasProcFs)('takes over a lock whose pid was reused', async () => {
    const { path, lockPath } = await useStorePath();
    const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    // This test's own pid runs, but it did not start at tick 1 after boot.
    const lock = { pid: process.pid, hostname: hostname(), bootId, processStart: '1' };
    await writeFile(lockPath, JSON.stringify(lock), { mode: 0o600 });

    const saved = await openStore(path, { timeoutMs: 2000 }).saveToken(ALICE);

    expect(saved.userName).toBe(ALICE.userName);
  });

  it('takes over an unreadable lock only when old', async () => {
    const { folder, path, lockPath } = await useStorePath();
    await writeFile(lockPath, '', { mode: 0o600 });
    const store = openStore(path, { timeoutMs: 200 });

    const error = await rejectionOf(store.saveToken(ALICE));
    expect(isTokenStoreError(error, 'UNAVAILABLE'), error.message).toBe(true);
    expect(error.message).toContain('unreadable content');

    const oneMinuteAgo = new Date(Date.now() - 60_000);
    await utimes(lockPath, oneMinuteAgo, oneMinuteAgo);
    expect((await store.saveToken(ALICE)).userName).toBe(ALICE.userName);
    expect(await listFolder(folder)).toEqual(['tokens.jsonl']);
  });

  it('waits for a holder on another host', async () => {
    const { path, lockPath } = await useStorePath();
    const lock = { pid: 999_999_999, hostname: 'other-host.example.test' };
    await writeFile(lockPath, JSON.stringify(lock), { mode: 0o600 });

    const error = await rejectionOf(openStore(path, { timeoutMs: 200 }).saveToken(ALICE));

    expect(isTokenStoreError(error, 'UNAVAILABLE'), error.message).toBe(true);
    expect(error.message).toContain('other-host.example.test');
    expect(await readFile(lockPath, 'utf8')).toBe(JSON.stringify(lock));
  });

  it('removes a stale lock only if unchanged', async () => {
    const { lockPath } = await useStorePath();
    await writeFile(lockPath, DEAD_LOCK);
    const stale = await stat(lockPath);
    // Another waiter removed the stale lock and took a new one in the meantime.
    await writeFile(`${lockPath}.new`, DEAD_LOCK);
    await rename(`${lockPath}.new`, lockPath);

    expect(await removeStaleLock(lockPath, stale)).toBe(false);
    expect((await stat(lockPath)).ino).not.toBe(stale.ino);

    const current = await stat(lockPath);
    expect(await removeStaleLock(lockPath, current)).toBe(true);
    await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('removes a lock only if still stale', async () => {
    const { lockPath } = await useStorePath();
    await writeFile(lockPath, '');
    const oneMinuteAgo = new Date(Date.now() - 60_000);
    await utimes(lockPath, oneMinuteAgo, oneMinuteAgo);
    const judgedStale = await stat(lockPath);
    // The holder wrote its content after the waiter read the lock file.
    await writeFile(lockPath, JSON.stringify({ pid: process.pid, hostname: hostname() }));

    expect(await removeStaleLock(lockPath, judgedStale)).toBe(false);
    expect((await stat(lockPath)).ino).toBe(judgedStale.ino);
  });

  it('leaves a lock that another waiter is removing', async () => {
    const { lockPath } = await useStorePath();
    await writeFile(lockPath, DEAD_LOCK);
    const stale = await stat(lockPath);
    await link(lockPath, `${lockPath}.break`);

    expect(await removeStaleLock(lockPath, stale)).toBe(false);
    expect((await stat(lockPath)).ino).toBe(stale.ino);
    expect((await stat(`${lockPath}.break`)).ino).toBe(stale.ino);

    // A claim this old was left by a waiter that died while removing the lock.
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 60_000);
    try {
      expect(await removeStaleLock(lockPath, stale)).toBe(false);
    } finally {
      vi.restoreAllMocks();
    }
    expect(await removeStaleLock(lockPath, stale)).toBe(true);
    await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('lets many waiters take over one stale lock', async () => {
    const { folder, path, lockPath } = await useStorePath();
    await writeFile(lockPath, DEAD_LOCK, { mode: 0o600 });
    const stores = Array.from({ length: 4 }, () => openStore(path, { timeoutMs: 5000 }));

    const saved = await Promise.all(
      stores.map((store, index) =>
        store.saveToken({ userName: `user-${index}@example.test`, accessToken: `at-${index}` }),
      ),
    );

    const records = await openStore(path).getTokens();
    expect(records.map((record) => record.id).sort()).toEqual(
      saved.map((record) => record.id).sort(),
    );
    expect(await listFolder(folder)).toEqual(['tokens.jsonl']);
  });
});
