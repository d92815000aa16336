/**
 * close(): after it, nothing of the store stays open: no descriptor, no lock file, and
 * nothing that keeps a process alive.
 */
import { readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ALICE, BOB, listFolder, openStore, startFixture, useTempFolder } from './helpers.js';

const hasProcFs = await readdir('/proc/self/fd').then(
  () => true,
  () => false,
);

/** Returns the paths of this process's open descriptors that lie in `folder`. */
async function openPathsIn(folder: string): Promise<string[]> {
  const paths: string[] = [];
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target.startsWith(folder)) paths.push(target);
  }
  return paths;
}

describe('file store lifecycle', () => {
  it('lets a child process exit by itself', async () => {
    const folder = await useTempFolder();
    const path = join(folder, 'tokens.jsonl');
    const child = startFixture('open-save-close.mjs', [path]);

    await child.waitForLine('closed');
    const closedAt = Date.now();
    const exit = await child.exited;

    expect(exit.code).toBe(0);
    expect(Date.now() - closedAt).toBeLessThan(2000);
    expect(await listFolder(folder)).toEqual(['tokens.jsonl']);
    expect(await openStore(path).findToken({ userName: ALICE.userName })).not.toBeNull();
  });

  it.skipIf(!hasProcFs)('closes every descriptor on close', async () => {
    const folder = await useTempFolder();
    const path = join(folder, 'tokens.jsonl');
    const store = openStore(path);
    const other = openStore(path);
    await store.saveToken(ALICE);
    await other.saveToken(BOB);
    await store.getTokens();
    // The store keeps the version it read open, and the check finds it.
    expect(await openPathsIn(folder)).not.toEqual([]);

    await store.close();
    await other.close();

    expect(await openPathsIn(folder)).toEqual([]);
    expect(await listFolder(folder)).toEqual(['tokens.jsonl']);
  });

  it('can be closed twice', async () => {
    const store = openStore(join(await useTempFolder(), 'tokens.jsonl'));
    await store.saveToken(ALICE);

    await store.close();
    await store.close();

    await expect(store.getTokens()).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
