/**
 * Several processes on one database file: merge-saves that read before they write,
 * a reader that runs meanwhile, a write lock held by another connection, and a
 * process that must end by itself after close().
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

import { isTokenStoreError } from '@tokenstore/core';
import { describe, expect, it } from 'vitest';

import { ALICE, BOB, CAROL, openStore, temporaryFolder } from './helpers.js';
import { nextJson, startFixture } from './fixture-process.js';

const SAVES_PER_WRITER = 200;

interface WriterOutcome {
  saved: number;
  failures: string[];
}

interface ReaderOutcome {
  reads: number;
  failures: string[];
}

describe('sqlite store across processes', () => {
  it('merges concurrent saves without busy errors', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const store = openStore({ path });
    await store.saveToken(ALICE);

    const reader = startFixture('reader.mjs', [path]);
    expect(await reader.nextLine()).toBe('ready');
    const writers = ['p1', 'p2'].map((label) =>
      startFixture('merge-saver.mjs', [path, label, String(SAVES_PER_WRITER)]),
    );
    for (const writer of writers) expect(await writer.nextLine()).toBe('ready');
    for (const writer of writers) writer.send('go');
    const outcomes = await Promise.all(
      writers.map((writer) => nextJson<WriterOutcome>(writer, 60_000)),
    );
    reader.send('stop');
    const readerOutcome = await nextJson<ReaderOutcome>(reader);

    for (const outcome of outcomes) {
      expect(outcome.failures).toEqual([]);
      expect(outcome.saved).toBe(SAVES_PER_WRITER);
    }
    expect(readerOutcome.failures).toEqual([]);
    expect(readerOutcome.reads).toBeGreaterThan(0);

    const records = await store.getTokens();
    const written = ['p1', 'p2'].flatMap((label) =>
      Array.from({ length: SAVES_PER_WRITER }, (_, i) => `1000.at.alice.${label}.${i + 1}`),
    );
    expect(records).toHaveLength(1);
    expect(records[0]?.refreshToken).toBe(ALICE.refreshToken);
    expect(written).toContain(records[0]?.accessToken);
  }, 90_000);

  it('waits for a write lock held shorter than the timeout', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const store = openStore({ path });
    await store.saveToken(ALICE);

    const holder = startFixture('lock-holder.mjs', [path, '2000']);
    expect(await holder.nextLine()).toBe('locked');
    const started = performance.now();
    const bob = await store.saveToken(BOB);
    const waitedMs = performance.now() - started;

    expect(await holder.nextLine()).toBe('released');
    expect(waitedMs).toBeGreaterThan(1500);
    expect(waitedMs).toBeLessThan(4000);
    expect(await store.findTokenById(bob.id)).toEqual(bob);
  }, 20_000);

  it('rejects a save after the timeout while the lock is held', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const store = openStore({ path });
    await store.saveToken(ALICE);

    const holder = startFixture('lock-holder.mjs', [path, '8000']);
    expect(await holder.nextLine()).toBe('locked');
    const started = performance.now();
    const error = await store.saveToken(CAROL).catch((caught: unknown) => caught);
    const waitedMs = performance.now() - started;
    // The save has already failed, so the rest of the 8 s hold would only slow the test.
    holder.send('release');
    expect(await holder.nextLine()).toBe('released');

    expect(isTokenStoreError(error, 'UNAVAILABLE')).toBe(true);
    expect((error as Error).cause).toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) });
    expect(waitedMs).toBeGreaterThan(4900);
    expect(waitedMs).toBeLessThan(6500);
    expect(await openStore({ path }).findToken({ userName: CAROL.userName })).toBeNull();
    expect(await store.getTokens()).toHaveLength(1);
  }, 20_000);

  it('lets a process end by itself after close', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const child = startFixture('save-and-close.mjs', [path]);

    expect(await child.nextLine()).toBe('closed');
    const closedAt = performance.now();
    const exit = await child.exited;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(performance.now() - closedAt).toBeLessThan(2000);
    expect(await openStore({ path }).findToken({ userName: ALICE.userName })).not.toBeNull();
  });

  it.runIf(process.platform === 'linux')('leaves no descriptor open after close', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const store = openStore({ path });
    await store.saveToken(ALICE);
    const whileOpen = descriptorsUnder(path);

    await store.close();

    expect(whileOpen.length).toBeGreaterThan(0);
    expect(descriptorsUnder(path)).toEqual([]);
  });
});

// The targets of this process's open descriptors that are the database or its side files.
function descriptorsUnder(path: string): string[] {
  const targets = readdirSync('/proc/self/fd').map((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return '';
    }
  });
  return targets.filter((target) => target.startsWith(path));
}
