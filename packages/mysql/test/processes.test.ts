/**
 * Two processes saving the same users at the same time, and a process that ends by
 * itself after close(). The child process runs test/fixtures/concurrent-saver.mjs,
 * which imports the built package.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it, onTestFinished } from 'vitest';

import { SHARED_ACCESS_TOKEN, accessToken, saveRounds, userName } from './fixtures/save-rounds.mjs';
import { closeAdmin, openStore, provided, server, skipNote, temporaryTable } from './helpers.js';

if (provided.available) {
  console.log(`mysql process tests run on ${provided.server.description}`);
}

afterAll(async () => {
  await closeAdmin();
  if (provided.available) await provided.server.close();
});

const SAVER = fileURLToPath(new URL('./fixtures/concurrent-saver.mjs', import.meta.url));
const ROUNDS = 10;
const USERS = 20;

describe.skipIf(!provided.available)(`mysql store across processes${skipNote}`, () => {
  it('keeps one record per identity when two processes save at once', async () => {
    const table = temporaryTable();
    const store = openStore({ table });
    await store.getTokens();

    const child = spawn(
      process.execPath,
      [SAVER, server().url, table, 'child', String(ROUNDS), String(USERS)],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let errorOutput = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errorOutput += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const nextLine = async (): Promise<string> => {
      const line = await lines.next();
      if (line.done) throw new Error(`the child ended early: ${errorOutput}`);
      return line.value;
    };

    expect(await nextLine()).toBe('ready');
    child.stdin.write('go\n');
    const [parentOutcome, childLine] = await Promise.all([
      saveRounds(store, 'parent', ROUNDS, USERS),
      nextLine(),
    ]);
    const childOutcome = JSON.parse(childLine) as typeof parentOutcome;
    expect(await nextLine()).toBe('closed');
    const closedAt = performance.now();
    const exitCode = await exited;

    expect(parentOutcome.failures).toEqual([]);
    expect(childOutcome.failures).toEqual([]);
    expect(parentOutcome.saved).toBe(ROUNDS * (USERS + 1));
    expect(childOutcome.saved).toBe(ROUNDS * (USERS + 1));
    expect(exitCode).toBe(0);
    expect(performance.now() - closedAt).toBeLessThan(2000);

    const records = await openStore({ table }).getTokens();
    expect(records).toHaveLength(USERS + 1);
    for (let index = 0; index < USERS; index += 1) {
      const matching = records.filter((record) => record.userName === userName(index));
      expect(matching).toHaveLength(1);
      const written = ['parent', 'child'].flatMap((label) =>
        Array.from({ length: ROUNDS }, (_, round) => accessToken(index, label, round + 1)),
      );
      expect(written).toContain(matching[0]?.accessToken);
    }
    const shared = records.filter((record) => record.accessToken === SHARED_ACCESS_TOKEN);
    expect(shared).toHaveLength(1);
    expect(shared[0]?.userName).toBeUndefined();
  }, 60_000);
});
