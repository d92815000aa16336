/**
 * The SQL text the store sends: placeholders for every value, a fixed set of prepared
 * statements whatever the record holds, and no record value in any text.
 */
import mysqlCore from 'mysql2';
import { afterAll, describe, expect, it, vi } from 'vitest';

import { STATEMENT_COUNT, statementTexts } from '../src/statements.js';
import { ALICE, closeAdmin, openStore, provided, skipNote, temporaryTable } from './helpers.js';

if (provided.available) {
  console.log(`mysql statement tests run on ${provided.server.description}`);
}

afterAll(async () => {
  await closeAdmin();
  if (provided.available) await provided.server.close();
});

// Values that would break or change a statement if they were pasted into its text.
const HOSTILE = {
  userName: "o'brien@example.test",
  accessToken: "1000.at.' OR '1'='1",
  refreshToken: '1000.rt."quoted"; DROP TABLE oauthtoken; --',
  grantToken: '1000.gt.%_*:$\u0000end\\',
  clientId: '1000.CLIENT?ID',
  clientSecret: 'secret ?? :id $1 `x`',
  redirectUrl: "https://app.example.test/cb?next='home'",
  apiDomain: 'https://www.zohoapis.com',
  expiresAt: 1_767_225_600_123,
};
const HOSTILE_TEXTS = Object.values(HOSTILE).map(String);

interface SentStatement {
  protocol: 'execute' | 'query';
  sql: string;
  values: unknown[];
}

/** Records every statement mysql2 sends while `body` runs, with its bound values. */
async function recordStatements(body: () => Promise<void>): Promise<SentStatement[]> {
  const sent: SentStatement[] = [];
  const prototype = mysqlCore.Connection.prototype as unknown as Record<
    'execute' | 'query',
    (...args: unknown[]) => unknown
  >;
  for (const protocol of ['execute', 'query'] as const) {
    const original = prototype[protocol];
    vi.spyOn(prototype, protocol).mockImplementation(function (this: unknown, ...args: unknown[]) {
      const [first, second] = args;
      const options =
        typeof first === 'string' ? { sql: first } : (first as { sql: string; values?: unknown[] });
      const values = Array.isArray(second) ? second : (options.values ?? []);
      sent.push({ protocol, sql: options.sql, values });
      return original.apply(this, args);
    });
  }
  try {
    await body();
  } finally {
    vi.restoreAllMocks();
  }
  return sent;
}

function valueText(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

describe('statement texts', () => {
  const texts = Object.values(statementTexts('oauthtoken'));

  it('contain no literals', () => {
    for (const text of texts) {
      expect(text, text).not.toMatch(/['"]/);
      expect(text, text).not.toMatch(/(?<![\w`])\d+(?![\w`])/);
    }
  });

  it('compare and assign only placeholders', () => {
    const operands = texts.flatMap((text) =>
      [...text.matchAll(/=\s*([^\s,)]+)/g)].map((match) => match[1]),
    );
    expect(operands.length).toBeGreaterThan(20);
    for (const operand of operands) {
      expect(operand).toBe('?');
    }
  });

  it('number as many placeholders as values', () => {
    const statements = statementTexts('oauthtoken');
    const count = (text: string): number => text.split('?').length - 1;
    expect(count(statements.insert)).toBe(14);
    expect(count(statements.update)).toBe(14);
    expect(count(statements.findByUserName)).toBe(2);
    expect(count(statements.lockByGrantToken)).toBe(2);
    expect(count(statements.findById)).toBe(1);
    expect(count(statements.deleteAll)).toBe(0);
  });
});

describe.skipIf(!provided.available)(`statements sent to the server${skipNote}`, () => {
  it('keep every record value out of the SQL text', async () => {
    const table = temporaryTable();

    const sent = await recordStatements(async () => {
      const store = openStore({ table });
      const saved = await store.saveToken(HOSTILE);
      await store.saveToken({ ...HOSTILE, accessToken: `${HOSTILE.accessToken}.2` });
      await store.findToken({ userName: HOSTILE.userName });
      await store.findToken({ accessToken: `${HOSTILE.accessToken}.2` });
      await store.findToken({
        clientId: HOSTILE.clientId,
        clientSecret: HOSTILE.clientSecret,
        refreshToken: HOSTILE.refreshToken,
      });
      await store.findToken({
        clientId: HOSTILE.clientId,
        clientSecret: HOSTILE.clientSecret,
        grantToken: HOSTILE.grantToken,
      });
      await store.findTokenById(saved.id);
      await store.getTokens();
      await store.deleteToken(saved.id);
      await store.deleteTokens();
      await store.close();
    });

    expect(sent.filter((statement) => statement.protocol === 'execute').length).toBeGreaterThan(8);
    for (const { sql } of sent) {
      for (const value of HOSTILE_TEXTS) {
        expect(sql, `a statement contains ${JSON.stringify(value)}`).not.toContain(value);
      }
    }
    // The text protocol formats its values into the SQL text on the client, so it may
    // carry only the store's own values: the table name and the lock-wait seconds.
    for (const { protocol, values } of sent) {
      if (protocol !== 'query') continue;
      for (const value of values) {
        expect(HOSTILE_TEXTS).not.toContain(valueText(value));
        expect(Buffer.isBuffer(value)).toBe(false);
      }
    }
  });

  it('use a fixed set of texts whatever the record holds', async () => {
    const table = temporaryTable();
    const store = openStore({ table });
    await store.saveToken(ALICE);

    const sent = await recordStatements(async () => {
      for (let pattern = 0; pattern < 64; pattern += 1) {
        const pick = (bit: number, value: string): string | null =>
          (pattern >> bit) & 1 ? value : null;
        await store.saveToken({
          userName: ALICE.userName,
          clientId: pick(0, `client-${pattern}`),
          clientSecret: pick(1, `secret-${pattern}`),
          accessToken: pick(2, `1000.at.alice.${pattern}`),
          refreshToken: pick(3, `1000.rt.alice.${pattern}`),
          redirectUrl: pick(4, `https://app.example.test/${pattern}`),
          apiDomain: pick(5, 'https://www.zohoapis.eu'),
        });
        await store.findToken({ accessToken: `1000.at.alice.${pattern}` });
      }
      await store.getTokens();
    });

    const prepared = new Set(
      sent.filter((statement) => statement.protocol === 'execute').map(({ sql }) => sql),
    );
    const known = new Set(Object.values(statementTexts(table)));
    expect(prepared.size).toBeGreaterThan(0);
    expect(prepared.size).toBeLessThanOrEqual(STATEMENT_COUNT);
    for (const sql of prepared) {
      expect(known.has(sql), sql).toBe(true);
    }
  });
});
