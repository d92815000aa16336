/**
 * Two processes saving the same users at the same time: a child process with its own
 * store (importing the built package) and this test's store, on one prefix.
 */
import { describe, expect, it } from 'vitest';

import { startFixture } from './fixture-process.js';
import { openStore, server, serverUrl, skipNote, uniquePrefix } from './server.js';

const USERS = 20;
const ROUNDS = 10;

interface SaverOutcome {
  saved: number;
  failures: string[];
}

describe.skipIf(server === undefined)(`redis store across processes${skipNote}`, () => {
  it('keeps one record per user when two processes save', async () => {
    const prefix = uniquePrefix();
    const store = openStore({ prefix });
    const child = startFixture('concurrent-saver.mjs', [
      serverUrl(),
      prefix,
      'child',
      String(USERS),
      String(ROUNDS),
    ]);
    expect(await child.nextLine()).toBe('ready');

    child.send('go');
    const saves = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (let user = 1; user <= USERS; user += 1) {
        saves.push(
          store.saveToken({
            userName: `u${user}@example.test`,
            clientId: '1000.CLIENTIDAAAA',
            clientSecret: 'client-secret-a',
            refreshToken: `1000.rt.u${user}.0001`,
            accessToken: `1000.at.u${user}.parent.${round}`,
          }),
        );
      }
    }
    const parentOutcomes = await Promise.allSettled(saves);
    const childOutcome = JSON.parse(await child.nextLine()) as SaverOutcome;

    expect(parentOutcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(childOutcome.failures).toEqual([]);
    expect(childOutcome.saved).toBe(USERS * ROUNDS);
    const records = await store.getTokens();
    expect(records).toHaveLength(USERS);
    for (let user = 1; user <= USERS; user += 1) {
      const record = records.find((candidate) => candidate.userName === `u${user}@example.test`);
      expect(record?.refreshToken).toBe(`1000.rt.u${user}.0001`);
      expect(record?.accessToken).toMatch(
        new RegExp(`^1000\\.at\\.u${user}\\.(parent|child)\\.\\d+$`),
      );
    }
  });
});
