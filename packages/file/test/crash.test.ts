/**
 * A writer killed at a random moment: the store file is always the old version or the
 * new one, never a partial one, and every save the writer acknowledged is there.
 */
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { StoredToken } from '@tokenstore/core';

import {
  ALICE,
  BOB,
  CAROL,
  numberedAccessToken,
  numberedUserName,
  openStore,
  startFixture,
  useTempFolder,
} from './helpers.js';

const KILLS = 200;
// Kills run in parallel lanes, each on its own file, to keep the test short.
const LANES = 4;
const MAX_KILL_DELAY_MS = 20;

interface KillResult {
  acknowledged: number[];
}

/** Runs the save loop in a child process and kills it 0 to 20 ms after its first acknowledged save. */
async function killDuringSaves(path: string, prefix: string): Promise<KillResult> {
  const child = startFixture('save-loop.mjs', [path, prefix]);
  const acknowledged: number[] = [];
  child.onLine((line) => {
    if (acknowledged.length === 0) {
      setTimeout(() => child.child.kill('SIGKILL'), Math.random() * MAX_KILL_DELAY_MS);
    }
    acknowledged.push(Number(line));
  });

  const exit = await child.exited;
  expect(exit.signal, exit.stderr).toBe('SIGKILL');
  return { acknowledged };
}

async function checkAfterKill(
  path: string,
  prefix: string,
  seeds: StoredToken[],
  result: KillResult,
) {
  const records = await openStore(path).getTokens();

  for (const seed of seeds) {
    expect(records.find((record) => record.id === seed.id)).toEqual(seed);
  }
  const written = records.filter((record) => !seeds.some((seed) => seed.id === record.id));
  for (const record of written) {
    const number = Number(record.userName?.slice(prefix.length + 1).split('@')[0]);
    expect(record.userName).toBe(numberedUserName(prefix, number));
    expect(record.accessToken).toBe(numberedAccessToken(prefix, number));
  }
  for (const number of result.acknowledged) {
    expect(written.some((record) => record.userName === numberedUserName(prefix, number))).toBe(
      true,
    );
  }
  expect((await stat(path)).mode & 0o777).toBe(0o600);
}

async function checkFolderModes(folder: string): Promise<void> {
  for (const name of await readdir(folder)) {
    expect((await stat(join(folder, name))).mode & 0o077, name).toBe(0);
  }
}

/**
 * Saves once more: the stale lock and any temporary file of the killed writer go away.
 * A writer killed before it wrote its lock file's content leaves a lock that is taken
 * over only after 2 s, so this save may wait that long.
 */
async function checkRecovery(path: string, folder: string): Promise<void> {
  const store = openStore(path, { timeoutMs: 5000 });
  await store.saveToken({ userName: 'after-kill@example.test', accessToken: 'after-kill' });
  await store.close();
  expect(await readdir(folder)).toEqual(['tokens.jsonl']);
}

describe('file store crashes', () => {
  it('survives a writer killed mid-save', async () => {
    const folder = await useTempFolder();
    const seedPath = join(folder, 'seed.jsonl');
    const seedStore = openStore(seedPath);
    const seeds = [
      await seedStore.saveToken(ALICE),
      await seedStore.saveToken(BOB),
      await seedStore.saveToken(CAROL),
    ];
    await seedStore.close();

    let acknowledgedSaves = 0;
    const runLane = async (lane: number): Promise<void> => {
      for (let kill = lane; kill < KILLS; kill += LANES) {
        const killFolder = join(folder, `kill-${kill}`);
        await mkdir(killFolder, { mode: 0o700 });
        const path = join(killFolder, 'tokens.jsonl');
        await copyFile(seedPath, path);

        const result = await killDuringSaves(path, `kill-${kill}`);
        await checkAfterKill(path, `kill-${kill}`, seeds, result);
        await checkFolderModes(killFolder);
        await checkRecovery(path, killFolder);
        acknowledgedSaves += result.acknowledged.length;
      }
    };
    await Promise.all(Array.from({ length: LANES }, (_, lane) => runLane(lane)));

    expect(acknowledgedSaves).toBeGreaterThanOrEqual(KILLS);
  }, 120_000);
});
