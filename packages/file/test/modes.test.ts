/**
 * File modes under any umask: every file the store creates, temporary files and the
 * lock file included, is 0600 from the moment it exists, and every folder it creates is
 * 0700. The umask of the process is never changed.
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ALICE, BOB, openStore, startFixture, useTempFolder } from './helpers.js';

const hasProcFs = await stat('/proc/self/status').then(
  () => true,
  () => false,
);

interface SeenEntry {
  path: string;
  mode: number;
}

/** Records the mode of every entry under `folder` (two levels deep) until `done` settles. */
async function pollModes(folder: string, done: Promise<unknown>): Promise<SeenEntry[]> {
  let running = true;
  void done.finally(() => (running = false));
  const seen: SeenEntry[] = [];

  const visit = async (path: string, depth: number): Promise<void> => {
    const names = await readdir(path).catch(() => []);
    for (const name of names) {
      const entryPath = join(path, name);
      const entry = await lstat(entryPath).catch(() => undefined);
      if (entry === undefined) continue; // a temporary file renamed in the meantime
      seen.push({ path: entryPath, mode: entry.mode & 0o777 });
      if (entry.isDirectory() && depth < 2) await visit(entryPath, depth + 1);
    }
  };
  while (running) {
    await visit(join(folder, 'new'), 0);
  }
  return seen;
}

describe('file store modes', () => {
  it.each(['000', '002', '022'])(
    'creates private files under umask %s',
    async (umask) => {
      const folder = await useTempFolder();
      const child = startFixture('umask-saves.mjs', [umask, folder]);

      const seen = await pollModes(folder, child.exited);
      const exit = await child.exited;

      expect(exit.code, exit.stderr).toBe(0);
      const { umaskBefore, umaskAfter } = JSON.parse(exit.stdout) as Record<string, string>;
      if (hasProcFs) {
        expect(umaskBefore).toBe(`0${umask}`);
        expect(umaskAfter).toBe(umaskBefore);
      }

      const storeFile = join(folder, 'new', 'sub', 'tokens.jsonl');
      // Temporary and lock files live for a fraction of a millisecond, but the polling
      // finds hundreds of each during 200 writes on a 2-core machine.
      expect(seen.some((entry) => entry.path === storeFile)).toBe(true);
      expect(seen.some((entry) => entry.path.endsWith('.tmp'))).toBe(true);
      expect(seen.some((entry) => entry.path.endsWith('.lock'))).toBe(true);
      for (const entry of seen) {
        const expected = entry.path.endsWith('new') || entry.path.endsWith('sub') ? 0o700 : 0o600;
        expect(entry.mode.toString(8), entry.path).toBe(expected.toString(8));
      }
      expect((await stat(join(folder, 'new'))).mode & 0o777).toBe(0o700);
      expect((await stat(join(folder, 'new', 'sub'))).mode & 0o777).toBe(0o700);
      expect((await stat(storeFile)).mode & 0o777).toBe(0o600);

      const preexisting = join(folder, 'preexisting', 'tokens.jsonl');
      expect((await stat(preexisting)).mode & 0o777).toBe(0o600);
      expect(await openStore(preexisting).findToken({ userName: BOB.userName })).not.toBeNull();
      expect(await openStore(storeFile).findToken({ userName: ALICE.userName })).not.toBeNull();
    },
    30_000,
  );
});
