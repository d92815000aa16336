/**
 * The tokenstore-zoho command into Redis and MongoDB servers started for the tests,
 * run in a child process: what the summary shows of the target URL, and where the
 * tokens land.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { provideServer } from '@tokenstore/conformance/servers';
import { createMongoStore } from '@tokenstore/mongodb';
import { createRedisStore } from '@tokenstore/redis';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';

import { TS_HEADER, temporaryFolder, tsLine, zohoRow } from './import/support.js';

const [redis, mongodb] = await Promise.all([provideServer('redis'), provideServer('mongodb')]);

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
  if (mongodb.available) await mongodb.server.close();
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

const mongoSkip = mongodb.available ? '' : ` (skipped: ${mongodb.reason})`;

describe.skipIf(!mongodb.available)(`tokenstore-zoho import into MongoDB${mongoSkip}`, () => {
  it('writes to the database of the URL and names it', async () => {
    if (!mongodb.available) return;
    const from = writeTokenFile();
    const database = `zoho_${randomBytes(4).toString('hex')}`;
    const url = new URL(mongodb.server.url);
    url.pathname = `/${database}`;

    const run = await runCommand(['import', '--from', from, '--to', url.toString()]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Wrote 2 tokens to ${url.toString()} (database ${database}).\n`);
    const store = createMongoStore({ url: mongodb.server.url, database });
    onTestFinished(() => store.close());
    expect(await store.getTokens()).toHaveLength(2);
  });

  it('names the default database when the URL names none', async () => {
    if (!mongodb.available) return;
    const from = writeTokenFile();

    const run = await runCommand(['import', '--from', from, '--to', mongodb.server.url]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Wrote 2 tokens to ${mongodb.server.url} (database tokenstore).\n`,
    );
    const store = createMongoStore({ url: mongodb.server.url, database: 'tokenstore' });
    onTestFinished(async () => {
      await store.deleteTokens();
      await store.close();
    });
    expect(await store.getTokens()).toHaveLength(2);
  });
});
