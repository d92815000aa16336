/**
 * Two processes on one collection: a child process saves the same users as the test
 * process at the same time, and a process that closed its store ends by itself.
 */
import { provideServer } from '@tokenstore/conformance/servers';
import { afterAll, describe, expect, it } from 'vitest';

import { startFixture } from './child-process.js';
import { accessToken, refreshToken, savesFor, userName } from './fixtures/users.mjs';
import { TEST_DATABASE, openStore, randomName, rawCollection } from './helpers.js';

const provided = await provideServer('mongodb');
const server = provided.available ? provided.server : undefined;
if (server !== undefined) console.log(`mongodb store tests run on ${server.description}`);
const url = server?.url ?? '';

const USERS = 20;
const ROUNDS = 10;

interface SaverOutcome {
  saved: number;
  failures: string[];
}

describe.skipIf(server === undefined)(
  `mongodb store across processes${provided.available ? '' : ` (skipped: ${provided.reason})`}`,
  () => {
    it('keeps one record per user', async () => {
      const collection = randomName('processes');
      await rawCollection(url, collection);
      const store = openStore({ url, database: TEST_DATABASE, collection });
      await store.getTokens();
      const child = startFixture('saver.mjs', [
        url,
        TEST_DATABASE,
        collection,
        'child',
        String(USERS),
        String(ROUNDS),
      ]);
      expect(await child.nextLine()).toBe('ready');

      child.send('go');
      const failures: string[] = [];
      for (let round = 1; round <= ROUNDS; round += 1) {
        const outcomes = await Promise.allSettled(
          savesFor('parent', USERS, round).map((token) => store.saveToken(token)),
        );
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') failures.push(String(outcome.reason));
        }
      }
      const childOutcome = JSON.parse(await child.nextLine(60_000)) as SaverOutcome;

      expect(failures).toEqual([]);
      expect(childOutcome.failures).toEqual([]);
      expect(childOutcome.saved).toBe(USERS * ROUNDS);
      expect(await child.exited).toBe(0);
      const records = await store.getTokens();
      expect(records).toHaveLength(USERS);
      for (let number = 1; number <= USERS; number += 1) {
        const record = records.find((candidate) => candidate.userName === userName(number));
        const written = ['parent', 'child'].flatMap((label) =>
          Array.from({ length: ROUNDS }, (_, index) => accessToken(label, number, index + 1)),
        );
        expect(record?.refreshToken).toBe(refreshToken(number));
        expect(written).toContain(record?.accessToken);
      }
    }, 90_000);

    it('ends a process by itself after close', async () => {
      const collection = randomName('exit');
      await rawCollection(url, collection);
      const child = startFixture('save-and-close.mjs', [url, TEST_DATABASE, collection]);

      expect(await child.nextLine()).toBe('closed');
      const closedAt = performance.now();
      const exitCode = await child.exited;

      expect(exitCode).toBe(0);
      expect(performance.now() - closedAt).toBeLessThan(2000);
      const store = openStore({ url, database: TEST_DATABASE, collection });
      expect(await store.findToken({ userName: 'alice@example.test' })).not.toBeNull();
    });
  },
);

afterAll(() => server?.close());
