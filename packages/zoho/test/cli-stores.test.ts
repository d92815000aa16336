/**
 * The tokenstore-zoho command into a Redis server started for the tests, run in a
 * child process: what the summary shows of the target URL, and where the tokens land.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { provideServer } from '@tokenstore/conformance/servers';
import { createRedisStore } from '@tokenstore/redis';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';

import { TS_HEADER, temporaryFolder, tsLine, zohoRow } from './import/support.js';

const redis = await provideServer('redis');

const BIN = fileURLToPath(new URL('../bin/tokenstore-zoho.js', import.meta.url));

function runCommand(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      let code = 0;
      if (error !== null) {
        code = typeof error.code === 'number' ? error.code : -1;
      }
      resolve({ code, stdout, stderr });
    });
  });
}

function writeTokenFile(): string {
  const path = join(temporaryFolder(), 'zoho_tokens.csv');
  const rows = [zohoRow(1, 'alice'), zohoRow(2, 'bob')];
  writeFileSync(path, [TS_HEADER, ...rows.map(tsLine)].join('\n'));
  return path;
}

afterAll(async () => {
  if (redis.available) await redis.server.close();
});

const redisSkip = redis.available ? '' : ` (skipped: ${redis.reason})`;

describe.skipIf(!redis.available)(`tokenstore-zoho import into Redis${redisSkip}`, () => {
  it('masks a password given as a query parameter', async () => {
    if (!redis.available) return;
    const from = writeTokenFile();
    // The test server has no password; ioredis warns about the AUTH reply and goes on.
    const url = `${redis.server.url}/?password=redispw`;

    const run = await runCommand(['import', '--from', from, '--to', url]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Wrote 2 tokens to ${redis.server.url}/?password=***.\n`);
    expect(`${run.stdout}${run.stderr}`).not.toContain('redispw');
    const store = createRedisStore({ url: redis.server.url });
    onTestFinished(async () => {
      await store.deleteTokens();
      await store.close();
    });
    expect(await store.findToken({ userName: 'bob@example.test' })).not.toBeNull();
  });
});
