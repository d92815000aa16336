/**
 * Reads serve a cached table, so every change made by another store object or process
 * must be seen: a replaced file, a file edited in place, a removed file.
 */
import { readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { isTokenStoreError } from '@tokenstore/core';

import { ALICE, BOB, openStore, rejectionOf, useTempFolder } from './helpers.js';

describe('file store change detection', () => {
  it('sees a same-size replacement with the old mtime', async () => {
    const folder = await useTempFolder();
    const path = join(folder, 'tokens.jsonl');
    const writer = openStore(path);
    await writer.saveToken({ ...ALICE, accessToken: '1000.at.alice.0001' });
    await writer.close();
    // Whole seconds, so that utimes() can set the same mtime again exactly.
    const mtimeSeconds = Math.floor(Date.now() / 1000);
    await utimes(path, mtimeSeconds, mtimeSeconds);
    const reader = openStore(path);
    expect((await reader.findToken({ userName: ALICE.userName }))?.accessToken).toBe(
      '1000.at.alice.0001',
    );
    const original = await stat(path);

    // Two replacements, as another process writes them: on ext4 the second new file
    // would get the original inode number back if the reader did not keep it open.
    for (const version of ['0002', '0003']) {
      const text = (await readFile(path, 'utf8')).replace(
        /1000\.at\.alice\.\d{4}/,
        `1000.at.alice.${version}`,
      );
      await writeFile(join(folder, 'next'), text, { mode: 0o600 });
      await rename(join(folder, 'next'), path);
    }
    await utimes(path, mtimeSeconds, mtimeSeconds);
    const replaced = await stat(path);

    expect(replaced.size).toBe(original.size);
    expect(replaced.mtimeMs).toBe(original.mtimeMs);
    expect(replaced.ino).not.toBe(original.ino);
    expect((await reader.findToken({ userName: ALICE.userName }))?.accessToken).toBe(
      '1000.at.alice.0003',
    );
  });

  it('sees a file edited in place', async () => {
    const path = join(await useTempFolder(), 'tokens.jsonl');
    const saved = await openStore(path).saveToken(ALICE);
    const reader = openStore(path);
    expect(await reader.findTokenById(saved.id)).toEqual(saved);

    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace(ALICE.accessToken!, '1000.at.alice.0002'));

    expect((await reader.findTokenById(saved.id))?.accessToken).toBe('1000.at.alice.0002');
  });

  it('sees a removed file as empty', async () => {
    const path = join(await useTempFolder(), 'tokens.jsonl');
    const reader = openStore(path);
    await reader.saveToken(ALICE);

    await unlink(path);

    expect(await reader.findToken({ userName: ALICE.userName })).toBeNull();
    expect(await reader.getTokens()).toEqual([]);
  });

  it('sees a file damaged after a read', async () => {
    const path = join(await useTempFolder(), 'tokens.jsonl');
    const reader = openStore(path);
    await reader.saveToken(ALICE);
    expect(await reader.getTokens()).toHaveLength(1);

    await writeFile(path, 'not a token file\n');

    const error = await rejectionOf(reader.findToken({ userName: ALICE.userName }));
    expect(isTokenStoreError(error, 'CORRUPT'), error.message).toBe(true);
  });

  it('merges with the latest file, not its cache', async () => {
    const path = join(await useTempFolder(), 'tokens.jsonl');
    const storeA = openStore(path);
    const storeB = openStore(path);
    await storeA.saveToken(ALICE);
    expect(await storeA.findToken({ userName: ALICE.userName })).not.toBeNull();

    await storeB.saveToken({ ...ALICE, accessToken: '1000.at.alice.0002' });
    await storeA.saveToken(BOB);
    await storeA.saveToken({ userName: ALICE.userName, apiDomain: 'https://www.zohoapis.eu' });

    const alice = await openStore(path).findToken({ userName: ALICE.userName });
    expect(alice?.accessToken).toBe('1000.at.alice.0002');
    expect(alice?.apiDomain).toBe('https://www.zohoapis.eu');
    expect(await openStore(path).getTokens()).toHaveLength(2);
  });
});
