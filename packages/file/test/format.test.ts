/**
 * The stored form: a header line, then one JSON object per record with the Zoho
 * column names, so that quotes, commas, newlines and other characters round-trip.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ALICE, BOB, HEADER_LINE, longToken, openStore, useTempFolder } from './helpers.js';

describe('file store format', () => {
  it('round-trips commas, quotes and newlines', async () => {
    const path = join(await useTempFolder(), 'tokens.jsonl');
    const store = openStore(path);
    const redirectUrl = 'https://app.example.test/cb?scope=a,b';
    const clientSecret = 'se"cr,et\nline2';

    await store.saveToken({ ...ALICE, redirectUrl });
    await store.saveToken({ ...BOB, clientSecret });

    const fresh = openStore(path);
    const alice = await fresh.findToken({ userName: ALICE.userName });
    const bob = await fresh.findToken({ userName: BOB.userName });
    expect(await fresh.getTokens()).toHaveLength(2);
    expect(alice?.redirectUrl).toBe(redirectUrl);
    expect(alice?.apiDomain).toBe(ALICE.apiDomain);
    expect(alice?.clientSecret).toBe(ALICE.clientSecret);
    expect(bob?.clientSecret).toBe(clientSecret);
    expect(bob?.redirectUrl).toBe(BOB.redirectUrl);

    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
  });

  it('round-trips NUL, emoji and 16 KiB tokens', async () => {
    const path = join(await useTempFolder(), 'tokens.jsonl');
    const userName = 'zoë.😀@example.test';
    const accessToken = `${longToken(16 * 1024)}\u0000\u2028end`;

    const saved = await openStore(path).saveToken({ ...ALICE, userName, accessToken });

    const found = await openStore(path).findToken({ accessToken });
    expect(found).toEqual(saved);
    expect(found?.userName).toBe(userName);
    expect(found?.accessToken).toBe(accessToken);
  });

  it('writes a header and one line per record', async () => {
    const path = join(await useTempFolder(), 'tokens.jsonl');
    const store = openStore(path);
    const alice = await store.saveToken({ ...ALICE, grantToken: null, apiDomain: '' });
    const bob = await store.saveToken(BOB);

    const [header, aliceLine, bobLine, end] = (await readFile(path, 'utf8')).split('\n');

    expect(header).toBe(HEADER_LINE);
    expect(JSON.parse(aliceLine ?? '')).toEqual({
      id: alice.id,
      user_name: ALICE.userName,
      client_id: ALICE.clientId,
      client_secret: ALICE.clientSecret,
      refresh_token: ALICE.refreshToken,
      access_token: ALICE.accessToken,
      expiry_time: ALICE.expiresAt,
      redirect_url: ALICE.redirectUrl,
    });
    expect(JSON.parse(bobLine ?? '').id).toBe(bob.id);
    expect(end).toBe('');
  });

  it('keeps file order when a record is updated', async () => {
    const path = join(await useTempFolder(), 'tokens.jsonl');
    const store = openStore(path);
    const alice = await store.saveToken(ALICE);
    const bob = await store.saveToken(BOB);

    await store.saveToken({ userName: ALICE.userName, accessToken: '1000.at.alice.0002' });

    const ids = (await openStore(path).getTokens()).map((record) => record.id);
    expect(ids).toEqual([alice.id, bob.id]);
  });

  it('writes only the header after deleting everything', async () => {
    const path = join(await useTempFolder(), 'tokens.jsonl');
    const store = openStore(path);
    await store.saveToken(ALICE);

    await store.deleteTokens();

    expect(await readFile(path, 'utf8')).toBe(`${HEADER_LINE}\n`);
    expect(await openStore(path).getTokens()).toEqual([]);
  });
});
