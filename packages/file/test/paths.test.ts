/**
 * Where the store writes: only its own file and lock file, never a default path, and a
 * save that cannot write rejects with the filesystem's error as the cause.
 */
import { mkdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { isTokenStoreError } from '@tokenstore/core';

import { ALICE, BOB, listFolder, openStore, rejectionOf, useTempFolder } from './helpers.js';

describe('file store paths', () => {
  it('rejects a save when a directory is at the path', async () => {
    const folder = await useTempFolder();
    const path = join(folder, 'tokens.jsonl');
    await mkdir(path);

    const error = await rejectionOf(openStore(path).saveToken(ALICE));

    expect(isTokenStoreError(error, 'BACKEND')).toBe(true);
    expect((error.cause as NodeJS.ErrnoException | undefined)?.code).toBe('EISDIR');
    expect(error.message).toContain(path);
    expect(await listFolder(folder)).toEqual(['tokens.jsonl']);

    await rmdir(path);
    expect(await openStore(path).findToken({ userName: ALICE.userName })).toBeNull();
  });

  it('rejects reads when a directory is at the path', async () => {
    const folder = await useTempFolder();
    const path = join(folder, 'tokens.jsonl');
    await mkdir(path);

    const error = await rejectionOf(openStore(path).getTokens());

    expect(isTokenStoreError(error, 'BACKEND')).toBe(true);
    expect((error.cause as NodeJS.ErrnoException | undefined)?.code).toBe('EISDIR');
  });

  it('rejects a save when a parent is a file', async () => {
    const folder = await useTempFolder();
    await writeFile(join(folder, 'not-a-folder'), 'x');
    const path = join(folder, 'not-a-folder', 'tokens.jsonl');

    const error = await rejectionOf(openStore(path).saveToken(ALICE));

    expect(isTokenStoreError(error, 'BACKEND')).toBe(true);
    expect(['EEXIST', 'ENOTDIR']).toContain(
      (error.cause as NodeJS.ErrnoException | undefined)?.code,
    );
    expect(error.message).toContain(folder);
    expect(await listFolder(folder)).toEqual(['not-a-folder']);
  });

  // Root writes through file modes, so only a read-only mount would stop it.
  it.skipIf(process.getuid?.() === 0)('rejects a save in a read-only folder', async () => {
    const folder = await useTempFolder();
    const readOnly = join(folder, 'read-only');
    await mkdir(readOnly, { mode: 0o500 });

    const error = await rejectionOf(openStore(join(readOnly, 'tokens.jsonl')).saveToken(ALICE));

    expect(isTokenStoreError(error, 'BACKEND')).toBe(true);
    expect((error.cause as NodeJS.ErrnoException | undefined)?.code).toBe('EACCES');
    expect(await listFolder(readOnly)).toEqual([]);
  });

  it('keeps two paths in one folder apart', async () => {
    const folder = await useTempFolder();
    const pathA = join(folder, 'a');
    const pathB = join(folder, 'b');
    const storeA = openStore(pathA);
    const storeB = openStore(pathB);

    const alice = await storeA.saveToken(ALICE);
    const bob = await storeB.saveToken(BOB);

    expect(await storeA.getTokens()).toEqual([alice]);
    expect(await storeB.getTokens()).toEqual([bob]);
    expect(await storeB.findToken({ userName: ALICE.userName })).toBeNull();
    expect(await openStore(pathA).findToken({ userName: ALICE.userName })).toEqual(alice);

    await storeA.deleteTokens();

    expect(await storeA.getTokens()).toEqual([]);
    expect(await storeB.getTokens()).toEqual([bob]);
    expect(await listFolder(folder)).toEqual(['a', 'b']);
  });

  it('creates nothing for reads and deletes', async () => {
    const folder = await useTempFolder();
    const store = openStore(join(folder, 'missing', 'tokens.jsonl'));

    expect(await store.getTokens()).toEqual([]);
    expect(await store.findToken({ userName: ALICE.userName })).toBeNull();
    await store.deleteToken('no-such-id');
    await store.deleteTokens();

    expect(await listFolder(folder)).toEqual([]);
  });
});
