/**
 * The server-wide limit on prepared statements (max_prepared_stmt_count): the store
 * keeps its share bounded by its fixed statement set times its pool size, reports a
 * server that is out of statements as UNAVAILABLE, and works again once it has room.
 */
import { isTokenStoreError, type OAuthToken } from '@tokenstore/core';
import { afterAll, describe, expect, it } from 'vitest';

import { createMysqlStore } from '../src/index.js';
import { STATEMENT_COUNT } from '../src/statements.js';
import {
  ALICE,
  BOB,
  admin,
  adminConnection,
  closeAdmin,
  provided,
  server,
  skipNote,
  temporaryTable,
} from './helpers.js';

if (provided.available) {
  console.log(`mysql prepared-statement tests run on ${provided.server.description}`);
}

afterAll(async () => {
  await closeAdmin();
  if (provided.available) await provided.server.close();
});

const POOL_SIZE = 10;
const STATEMENT_LIMIT = 200;
const CALLS = 1000;
const PARALLEL = 10;
const ER_MAX_PREPARED_STMT_COUNT_REACHED = 1461;

// The optional fields of a save by user name, which give 512 patterns of given and null fields.
const OPTIONAL_FIELDS = [
  'id',
  'clientId',
  'clientSecret',
  'refreshToken',
  'accessToken',
  'grantToken',
  'expiresAt',
  'redirectUrl',
  'apiDomain',
] as const;
type OptionalField = (typeof OPTIONAL_FIELDS)[number];

async function preparedStatementCount(): Promise<number> {
  const [rows] = await admin().query("SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'");
  return Number((rows as { Value: string }[])[0]?.Value);
}

async function withStatementLimit(limit: number, body: () => Promise<void>): Promise<void> {
  const [rows] = await admin().query('SELECT @@GLOBAL.max_prepared_stmt_count AS value');
  const original = Number((rows as { value: number }[])[0]?.value);
  await admin().query('SET GLOBAL max_prepared_stmt_count = ?', [limit]);
  try {
    await body();
  } finally {
    await admin().query('SET GLOBAL max_prepared_stmt_count = ?', [original]);
  }
}

function valueFor(field: OptionalField, call: number, aliceId: string): string | number {
  if (field === 'id') return aliceId;
  if (field === 'expiresAt') return ALICE.expiresAt + call;
  return `${field}.alice.${call}`;
}

describe.skipIf(!provided.available)(`mysql prepared statements${skipNote}`, () => {
  it('stay bounded through 2,000 calls of every shape', async () => {
    await withStatementLimit(STATEMENT_LIMIT, async () => {
      const table = temporaryTable();
      const store = createMysqlStore({ url: server().url, table, connectionLimit: POOL_SIZE });
      try {
        const alice = await store.saveToken(ALICE);
        const bound = STATEMENT_COUNT * POOL_SIZE;
        const readings: number[] = [];
        // The values of the latest batch that gave each field, one of which must be stored.
        const candidates = new Map<OptionalField, Set<string | number>>();

        for (let start = 0; start < CALLS; start += PARALLEL) {
          const batch = Array.from({ length: PARALLEL }, (_, offset) => start + offset);
          const given = new Map<OptionalField, Set<string | number>>();
          await Promise.all(
            batch.map((call) => {
              const token: Record<string, unknown> = { userName: ALICE.userName };
              OPTIONAL_FIELDS.forEach((field, bit) => {
                const value = (call % 512) & (1 << bit) ? valueFor(field, call, alice.id) : null;
                token[field] = value;
                if (value !== null) given.set(field, (given.get(field) ?? new Set()).add(value));
              });
              return store.saveToken(token as OAuthToken);
            }),
          );
          for (const [field, values] of given) candidates.set(field, values);
          if ((start + PARALLEL) % 100 === 0) readings.push(await preparedStatementCount());
        }

        const stored = await store.findToken({ userName: ALICE.userName });
        for (const [field, values] of candidates) {
          expect(values.has(stored?.[field] as string | number), field).toBe(true);
        }

        const lookups = [
          () => store.findToken({ userName: ALICE.userName }),
          () => store.findToken({ accessToken: stored?.accessToken }),
          () =>
            store.findToken({
              clientId: stored?.clientId,
              clientSecret: stored?.clientSecret,
              refreshToken: stored?.refreshToken,
            }),
          () => store.findTokenById(alice.id),
          () => store.getTokens(),
        ];
        for (let start = 0; start < CALLS; start += PARALLEL) {
          // Each batch shifts the kinds by one, so that every connection runs every kind.
          const shift = start / PARALLEL;
          await Promise.all(
            Array.from({ length: PARALLEL }, (_, offset) =>
              lookups[(shift + offset) % lookups.length]?.(),
            ),
          );
          if ((start + PARALLEL) % 100 === 0) readings.push(await preparedStatementCount());
        }

        for (const reading of readings) {
          expect(reading).toBeLessThanOrEqual(bound);
        }
        // Warm-up is over after the first 500 saves: the count no longer grows with calls.
        expect(readings[9]).toBe(readings[4]);
        expect(readings[19]).toBe(readings[14]);
      } finally {
        await store.close();
      }
    });
  }, 120_000);

  it('reports a server out of statements as UNAVAILABLE, then recovers', async () => {
    await withStatementLimit(STATEMENT_LIMIT, async () => {
      const table = temporaryTable();
      // A store whose connections have prepared nothing yet, so its first save must prepare.
      const store = createMysqlStore({ url: server().url, table, connectionLimit: 2 });
      try {
        await store.getTokens();
        const filler = await adminConnection();
        let fillError: unknown;
        for (let i = 0; i <= STATEMENT_LIMIT; i += 1) {
          try {
            await filler.query(`PREPARE fill_${i} FROM 'SELECT 1'`);
          } catch (error) {
            fillError = error;
            break;
          }
        }
        expect((fillError as { errno?: number }).errno).toBe(ER_MAX_PREPARED_STMT_COUNT_REACHED);
        const before = await preparedStatementCount();

        const error = await store.saveToken(BOB).then(
          () => undefined,
          (reason: unknown) => reason,
        );

        expect(isTokenStoreError(error, 'UNAVAILABLE')).toBe(true);
        expect((error as { cause?: { errno?: number } }).cause?.errno).toBe(
          ER_MAX_PREPARED_STMT_COUNT_REACHED,
        );
        expect(await preparedStatementCount()).toBe(before);
        filler.destroy();
        await waitFor(async () => (await preparedStatementCount()) < before);
        const [rows] = await admin().query(`SELECT COUNT(*) AS n FROM \`${table}\``);
        expect(Number((rows as { n: number }[])[0]?.n)).toBe(0);

        const saved = await store.saveToken(BOB);
        expect(await store.findToken({ userName: BOB.userName })).toEqual(saved);
      } finally {
        await store.close();
      }
    });
  });
});

/** Polls `condition` every 20 ms until it holds, for up to 5 s. */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 250; tries += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the condition did not hold within 5 s');
}
