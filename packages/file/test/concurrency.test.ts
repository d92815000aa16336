/**
 * Several writers on one file, in one process and in several: no acknowledged write is
 * lost, no identity gets two records, and no writer merges into a stale copy.
 */
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { StoredToken, TokenStore } from '@tokenstore/core';

import {
  ALICE,
  BOB,
  numberedAccessToken,
  numberedUserName,
  openStore,
  runFixture,
  startFixture,
  useTempFolder,
} from './helpers.js';

function saveNumberedUsers(
  store: TokenStore,
  prefix: string,
  count: number,
): Promise<StoredToken[]> {
  return Promise.all(
    Array.from({ length: count }, (_, number) =>
      store.saveToken({
        userName: numberedUserName(prefix, number),
        accessToken: numberedAccessToken(prefix, number),
      }),
    ),
  );
}

function expectNumberedUsers(records: StoredToken[], prefix: string, count: number): void {
  for (let number = 0; number < count; number += 1) {
    const userName = numberedUserName(prefix, number);
    const matches = records.filter((record) => record.userName === userName);
    expect(matches, userName).toHaveLength(1);
    expect(matches[0]?.accessToken, userName).toBe(numberedAccessToken(prefix, number));
  }
}

describe('file store concurrency', () => {
  it('keeps every save of two store objects', async () => {
    const path = join(await useTempFolder(), 'tokens.jsonl');
    const storeA = openStore(path);
    const storeB = openStore(path);
    const alice = await storeA.saveToken(ALICE);

    await Promise.all([
      saveNumberedUsers(storeA, 'user-a', 50),
      saveNumberedUsers(storeB, 'user-b', 50),
    ]);

    const records = await openStore(path).getTokens();
    expect(records).toHaveLength(101);
    expect(records.find((record) => record.id === alice.id)).toEqual(alice);
    expectNumberedUsers(records, 'user-a', 50);
    expectNumberedUsers(records, 'user-b', 50);
  });

  it('never merges into a stale cache', async () => {
    const path = join(await useTempFolder(), 'tokens.jsonl');
    const storeA = openStore(path);
    const storeB = openStore(path);
    await storeA.saveToken(ALICE);
    expect((await storeA.findToken({ userName: ALICE.userName }))?.accessToken).toBe(
      ALICE.accessToken,
    );

    await storeB.saveToken({ ...ALICE, accessToken: '1000.at.alice.0002' });
    expect((await storeA.findToken({ userName: ALICE.userName }))?.accessToken).toBe(
      '1000.at.alice.0002',
    );

    await storeA.saveToken(BOB);
    expect((await storeA.findToken({ userName: ALICE.userName }))?.accessToken).toBe(
      '1000.at.alice.0002',
    );
    expect((await openStore(path).findToken({ userName: ALICE.userName }))?.accessToken).toBe(
      '1000.at.alice.0002',
    );
  });

  it('keeps every save of two processes', async () => {
    const path = join(await useTempFolder(), 'tokens.jsonl');
    await openStore(path).saveToken(ALICE);

    await Promise.all([
      runFixture('save-users.mjs', [path, 'process-a', '50']),
      runFixture('save-users.mjs', [path, 'process-b', '50']),
    ]);

    const records = await openStore(path).getTokens();
    expect(records).toHaveLength(101);
    expectNumberedUsers(records, 'process-a', 50);
    expectNumberedUsers(records, 'process-b', 50);
  });

  it('merges saves of two processes into one record', async () => {
    const path = join(await useTempFolder(), 'tokens.jsonl');
    await openStore(path).saveToken(ALICE);
    const reader = openStore(path);
    const writers = [
      startFixture('merge-saves.mjs', [path, 'p1', '200']),
      startFixture('merge-saves.mjs', [path, 'p2', '200']),
    ];
    const writersDone = Promise.all(writers.map((writer) => writer.exited));

    // A third process-like reader: it must never fail while the writers run.
    let reads = 0;
    let running = true;
    void writersDone.then(() => (running = false));
    while (running) {
      const records = await reader.getTokens();
      expect(records).toHaveLength(1);
      reads += 1;
    }

    for (const exit of await writersDone) {
      expect(exit.code, exit.stderr).toBe(0);
    }
    const records = await openStore(path).getTokens();
    expect(records).toHaveLength(1);
    expect(records[0]?.refreshToken).toBe(ALICE.refreshToken);
    // Each process saves in order, so the last save of one of them is the one that stays.
    expect(['1000.at.alice.p1.199', '1000.at.alice.p2.199']).toContain(records[0]?.accessToken);
    expect(reads).toBeGreaterThan(0);
  });
});
