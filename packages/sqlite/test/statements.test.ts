/**
 * The SQL text the store sends: placeholders for every value, a fixed set of
 * statements prepared once per store, and no UPDATE or DELETE with LIMIT.
 */
import { join } from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { statementTexts } from '../src/statements.js';
import { createSqliteStore, upgradeSqliteTable } from '../src/index.js';
import { ALICE, BOB, Database, openRawDatabase, temporaryFolder } from './helpers.js';

// Values that would break or change a statement if they were pasted into its text.
const HOSTILE = {
  userName: "o'brien@example.test",
  accessToken: "1000.at.' OR '1'='1",
  refreshToken: '1000.rt."quoted"; DROP TABLE oauthtoken; --',
  grantToken: '1000.gt.%_*:$\u0000end',
  clientId: '1000.CLIENT?ID',
  clientSecret: 'secret @user_name :id $1',
  redirectUrl: "https://app.example.test/cb?next='home'",
  apiDomain: 'https://www.zohoapis.com',
  expiresAt: 1_767_225_600_123,
};

/** Records the text of every statement prepared through better-sqlite3 while `body` runs. */
async function recordPreparedTexts(body: () => Promise<void>): Promise<string[]> {
  const texts: string[] = [];
  const original = Database.prototype.prepare;
  const spy = vi.spyOn(Database.prototype, 'prepare').mockImplementation(function (
    this: InstanceType<typeof Database>,
    source: string,
  ) {
    texts.push(source);
    return original.call(this, source);
  });
  try {
    await body();
  } finally {
    spy.mockRestore();
  }
  return texts;
}

/** Runs every operation of the store, with hostile values, on a new file. */
async function runEveryOperation(path: string): Promise<void> {
  const store = createSqliteStore({ path });
  const saved = await store.saveToken(HOSTILE);
  await store.saveToken({ ...HOSTILE, accessToken: `${HOSTILE.accessToken}.2` });
  await store.findToken({ userName: HOSTILE.userName });
  await store.findToken({ accessToken: `${HOSTILE.accessToken}.2` });
  await store.findToken({ ...HOSTILE, id: undefined, userName: undefined });
  await store.findToken({
    clientId: HOSTILE.clientId,
    clientSecret: HOSTILE.clientSecret,
    refreshToken: HOSTILE.refreshToken,
  });
  await store.findTokenById(saved.id);
  await store.getTokens();
  await store.saveToken(ALICE);
  await store.deleteToken(saved.id);
  await store.deleteTokens();
  await store.close();
}

describe('prepared statements', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('keep every value out of the SQL text', async () => {
    const path = join(temporaryFolder(), 'tokens.db');

    const texts = await recordPreparedTexts(() => runEveryOperation(path));

    expect(texts.length).toBeGreaterThan(10);
    for (const text of texts) {
      for (const value of Object.values(HOSTILE)) {
        expect(
          text,
          `a prepared statement contains the value ${JSON.stringify(value)}`,
        ).not.toContain(String(value));
      }
      expect(text, 'a prepared statement contains a string literal').not.toContain("'");
      expect(text, 'a prepared statement contains a number literal').not.toMatch(
        /(?<![\w"])\d+(?![\w"])/,
      );
    }
  });

  it('compare and assign only through placeholders', async () => {
    const path = join(temporaryFolder(), 'tokens.db');

    const texts = await recordPreparedTexts(() => runEveryOperation(path));

    const queries = texts.filter((text) => !text.startsWith('PRAGMA '));
    const comparisons = queries.flatMap((text) =>
      [...text.matchAll(/=\s*(\S+)/g)].map((match) => match[1]),
    );
    expect(comparisons.length).toBeGreaterThan(10);
    for (const operand of comparisons) {
      expect(operand).toMatch(/^(\?|@\w+)/);
    }
  });

  it('are a fixed set, each prepared once per store', async () => {
    const path = join(temporaryFolder(), 'tokens.db');
    const store = createSqliteStore({ path });

    const opening = await recordPreparedTexts(async () => {
      await store.saveToken(ALICE);
    });
    const later = await recordPreparedTexts(async () => {
      for (let i = 0; i < 50; i += 1) {
        await store.saveToken({
          userName: ALICE.userName,
          accessToken: `1000.at.alice.${i}`,
          refreshToken: null,
        });
        await store.saveToken({
          ...BOB,
          id: `bob-${i}`,
          userName: `bob-${i}@example.test`,
          refreshToken: `rt-${i}`,
          accessToken: `at-${i}`,
        });
        await store.findToken({ accessToken: `at-${i}` });
        await store.findTokenById(`bob-${i}`);
        await store.deleteToken(`bob-${i}`);
      }
      await store.getTokens();
      await store.deleteTokens();
    });
    await store.close();

    expect(new Set(opening).size).toBe(opening.length);
    for (const text of Object.values(statementTexts('oauthtoken'))) {
      expect(opening).toContain(text);
    }
    expect(later).toEqual([]);
  });

  it('never use UPDATE or DELETE with LIMIT', async () => {
    const folder = temporaryFolder();
    const storePath = join(folder, 'tokens.db');
    const zohoPath = join(folder, 'zoho.db');
    const zoho = openRawDatabase(zohoPath);
    zoho.exec(
      'CREATE TABLE oauthtoken(id varchar(10) NOT NULL PRIMARY KEY, user_name varchar(255), client_id varchar(255), ' +
        'client_secret varchar(255), refresh_token varchar(255), access_token varchar(255), grant_token varchar(255), ' +
        'expiry_time varchar(20), redirect_url varchar(255), api_domain varchar(255))',
    );
    zoho.close();

    const texts = await recordPreparedTexts(async () => {
      await runEveryOperation(storePath);
      await upgradeSqliteTable({ path: zohoPath });
    });

    expect(texts.some((text) => text.startsWith('UPDATE '))).toBe(true);
    expect(texts.some((text) => text.startsWith('DELETE '))).toBe(true);
    for (const text of texts) {
      expect(text).not.toMatch(/^\s*(UPDATE|DELETE)\b[\s\S]*\bLIMIT\b/i);
    }
  });
});
