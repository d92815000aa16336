/**
 * A writer process killed at a random moment never damages what was stored before,
 * nor loses a save it acknowledged.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { createSqliteStore } from '../src/index.js';

import {
  ALICE,
  BOB,
  CAROL,
  fixtureUser,
  labelledLongToken,
  openStore,
  temporaryFolder,
  withoutId,
} from './helpers.js';
import { startFixture } from './fixture-process.js';

const KILLS = 200;
const MAX_KILL_DELAY_MS = 20;

describe('sqlite store under SIGKILL', () => {
  it('keeps every acknowledged record intact', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const seed = openStore({ path });
    for (const user of [ALICE, BOB, CAROL]) await seed.saveToken(user);
    await seed.close();

    // One writer at a time: two writers that loop on saves starve each other's busy
    // handler on a loaded two-core machine, which would test the lock, not the crash.
    await killWritersInTurn(path, 'writer', KILLS);
  }, 300_000);
});

async function killWritersInTurn(path: string, chain: string, rounds: number): Promise<void> {
  for (let round = 1; round <= rounds; round += 1) {
    const prefix = `${chain}-crash-${round}`;
    const writer = startFixture('crash-writer.mjs', [path, prefix]);
    await writer.nextLine();
    // The kill lands at a random point of a later save: inside SQLite's commit, between
    // two saves, or while the next one is being prepared.
    await delay(Math.random() * MAX_KILL_DELAY_MS);
    writer.child.kill('SIGKILL');
    const exit = await writer.exited;
    const acknowledged = await countAcknowledged(writer.nextLine);

    const fresh = createSqliteStore({ path });
    const records = await fresh.getTokens();
    await fresh.close();

    expect(exit.signal).toBe('SIGKILL');
    for (const user of [ALICE, BOB, CAROL]) {
      const found = records.find((record) => record.userName === user.userName);
      expect(withoutId(found ?? null), `${user.userName} after ${prefix}`).toEqual(user);
    }
    for (let n = 1; n <= acknowledged; n += 1) {
      const label = `${prefix}-${n}`;
      const found = records.find((record) => record.userName === `${label}@example.test`);
      expect(withoutId(found ?? null), `acknowledged save ${label}`).toEqual({
        ...fixtureUser(label),
        accessToken: labelledLongToken(label),
      });
    }
    expect(statSync(path).mode & 0o777).toBe(0o600);
  }
}

// Counts the saves the writer acknowledged: the first line was read already, the rest
// are buffered until the pipe closes.
async function countAcknowledged(
  nextLine: (timeoutMs?: number) => Promise<string>,
): Promise<number> {
  let count = 1;
  for (;;) {
    const line = await nextLine().catch(() => undefined);
    if (line === undefined) return count;
    count = Number(/^saved (\d+)$/.exec(line)?.[1] ?? count);
  }
}
