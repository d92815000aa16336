/**
 * File modes: the database file and the -wal and -shm files SQLite creates beside it
 * are 0600 at every moment, whatever the umask, and a created folder is 0700.
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { ALICE, BOB, openRawDatabase, openStore, temporaryFolder } from './helpers.js';
import { nextJson, startFixture, type FixtureProcess } from './fixture-process.js';

const SAVES = 200;

interface UmaskOutcome {
  umaskBefore: string;
  umaskAfter: string;
}

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

/** Records the mode of every entry of `folder`, as often as it can, until the child exits. */
async function pollModes(folder: string, child: FixtureProcess): Promise<Map<string, Set<number>>> {
  const seen = new Map<string, Set<number>>();
  let running = true;
  void child.exited.then(() => (running = false));
  while (running) {
    const names = existsSync(folder) ? readdirSync(folder) : [];
    for (const name of names) {
      try {
        const mode = lstatSync(join(folder, name)).mode & 0o777;
        seen.set(name, (seen.get(name) ?? new Set()).add(mode));
      } catch {
        // SQLite removed the file between readdir and lstat.
      }
    }
    await setImmediate();
  }
  return seen;
}

describe('database files', () => {
  it('are created 0600 in new 0700 folders', async () => {
    const root = temporaryFolder();
    const path = join(root, 'a', 'b', 'tokens.db');
    const store = openStore({ path });

    await store.saveToken(ALICE);

    expect(modeOf(join(root, 'a'))).toBe(0o700);
    expect(modeOf(join(root, 'a', 'b'))).toBe(0o700);
    expect(modeOf(path)).toBe(0o600);
    expect(modeOf(`${path}-wal`)).toBe(0o600);
    expect(modeOf(`${path}-shm`)).toBe(0o600);
  });

  it('are tightened to 0600 when others could read them', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const raw = openRawDatabase(path);
    raw.pragma('journal_mode = WAL');
    raw.exec('CREATE TABLE unrelated (value TEXT)');
    chmodSync(path, 0o644);
    chmodSync(`${path}-wal`, 0o644);
    const warnings: string[] = [];

    await openStore({ path, logger: { warn: (message) => warnings.push(message) } }).saveToken(
      ALICE,
    );

    expect(modeOf(path)).toBe(0o600);
    expect(modeOf(`${path}-wal`)).toBe(0o600);
    expect(warnings).toContain(`changed the mode of ${path} from 0644 to 0600`);
  });

  it('keep their mode when they are not SQLite databases', async () => {
    const path = join(temporaryFolder(), 'notes.txt');
    writeFileSync(path, 'id,user_name\n');
    chmodSync(path, 0o644);

    const error = await openStore({ path })
      .saveToken(ALICE)
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ name: 'TokenStoreError' });
    expect(modeOf(path)).toBe(0o644);
    expect(readFileSync(path, 'utf8')).toBe('id,user_name\n');
  });

  it('are never loosened', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    await openStore({ path }).saveToken(ALICE);
    chmodSync(path, 0o400);

    // The tests run as root, so the store can still write to a 0400 file.
    await openStore({ path }).saveToken(BOB);

    expect(modeOf(path)).toBe(0o400);
  });

  it('are not touched by a read-only store', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    await openStore({ path }).saveToken(ALICE);
    chmodSync(path, 0o644);

    const found = await openStore({ path, readonly: true }).findToken({ userName: ALICE.userName });

    expect(found?.accessToken).toBe(ALICE.accessToken);
    expect(modeOf(path)).toBe(0o644);
  });

  it.runIf(process.platform === 'linux').each(['000', '002', '022'])(
    'stay 0600 under umask %s',
    async (umask) => {
      const folder = join(temporaryFolder(), 'new-folder');
      const path = join(folder, 'tokens.db');
      const parentUmask = readUmask();

      const writer = startFixture('umask-writer.mjs', [path, 'alice', String(SAVES)], { umask });
      const seen = await pollModes(folder, writer);
      const outcome = await nextJson<UmaskOutcome>(writer);

      expect(outcome.umaskBefore).toBe(`0${umask}`);
      expect(outcome.umaskAfter).toBe(`0${umask}`);
      expect(modeOf(folder)).toBe(0o700);
      expect([...seen.keys()]).toEqual(
        expect.arrayContaining(['tokens.db', 'tokens.db-wal', 'tokens.db-shm']),
      );
      for (const [name, modes] of seen) {
        expect([...modes], name).toEqual([0o600]);
      }

      const existing = join(folder, 'existing.db');
      const empty = openStore({ path: existing });
      await empty.getTokens();
      await empty.close();
      chmodSync(existing, 0o644);
      const bobWriter = startFixture('umask-writer.mjs', [existing, 'bob', '0'], { umask });
      const seenWithExisting = await pollModes(folder, bobWriter);
      await nextJson<UmaskOutcome>(bobWriter);

      expect(modeOf(existing)).toBe(0o600);
      // The writer may open, save and close (which removes -wal and -shm) between two
      // polls, so these files are checked when the poll saw them, not required.
      for (const name of ['existing.db-wal', 'existing.db-shm']) {
        const modes = seenWithExisting.get(name);
        if (modes !== undefined) expect([...modes], name).toEqual([0o600]);
      }
      expect(readUmask()).toBe(parentUmask);
    },
    30_000,
  );
});

function readUmask(): string | undefined {
  return /^Umask:\s*(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
}
