import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { TokenStoreError } from '@tokenstore/core';
import { describe, expect, it } from 'vitest';

import {
  parseZohoTokenFile,
  readZohoTokenFile,
  type MalformedRecord,
  type ZohoRecord,
} from '../../src/import/index.js';
import {
  PYTHON_HEADER,
  TS_HEADER,
  expectedToken,
  pythonLine,
  temporaryFolder,
  tsLine,
  zohoRow,
} from './support.js';

const NINE_COLUMN_HEADER = TS_HEADER.replace(',api_domain', '');

function tokensOf(records: readonly ZohoRecord[]): unknown[] {
  return records.map((record) => (record.kind === 'token' ? record.token : record));
}

function malformedOf(records: readonly ZohoRecord[]): MalformedRecord[] {
  return records.filter((record) => record.kind === 'malformed');
}

function parseError(content: string | Uint8Array): TokenStoreError {
  try {
    parseZohoTokenFile(content);
  } catch (error) {
    return error as TokenStoreError;
  }
  throw new Error('expected parseZohoTokenFile to throw');
}

describe('parseZohoTokenFile', () => {
  it('reads the unquoted layout of the TypeScript SDK', () => {
    const alice = zohoRow(1, 'alice');
    const bob = zohoRow(2, 'bob', { grantToken: '1000.gt.bob=.-', accessToken: '', expiry: '' });
    const records = parseZohoTokenFile(`${TS_HEADER}\n${tsLine(alice)}\n${tsLine(bob)}`);

    expect(records).toEqual([
      { kind: 'token', position: { line: 2 }, token: { id: '1', ...expectedToken(alice) } },
      { kind: 'token', position: { line: 3 }, token: { id: '2', ...expectedToken(bob) } },
    ]);
  });

  it('reads quoted values of the Python SDK', () => {
    const alice = zohoRow(1, 'alice', {
      redirectUrl: 'https://app.example.test/cb?scope=a,b&say="hi"',
      user: 'o\'brien, "the elder"\r\nsecond line@example.test',
    });
    const bob = zohoRow(2, 'bob', { apiDomain: '' });
    const content = [PYTHON_HEADER, pythonLine(alice), pythonLine(bob), ''].join('\r\n');

    const records = parseZohoTokenFile(content);

    expect(records).toEqual([
      { kind: 'token', position: { line: 2 }, token: { id: '1', ...expectedToken(alice) } },
      // alice's user name spans two lines, so bob starts on line 4.
      { kind: 'token', position: { line: 4 }, token: { id: '2', ...expectedToken(bob) } },
    ]);
  });

  it('reads nine-column files without api_domain', () => {
    const alice = zohoRow(1, 'alice', { apiDomain: '' });
    const line = tsLine(alice).replace(/,$/, '');

    const records = parseZohoTokenFile(`${NINE_COLUMN_HEADER}\n${line}\n`);

    expect(line.split(',')).toHaveLength(9);
    expect(tokensOf(records)).toEqual([{ id: '1', ...expectedToken(alice) }]);
  });

  it('accepts both names of the user column', () => {
    const alice = zohoRow(1, 'alice');
    for (const header of [TS_HEADER, PYTHON_HEADER]) {
      expect(tokensOf(parseZohoTokenFile(`${header}\n${tsLine(alice)}`))).toEqual([
        { id: '1', ...expectedToken(alice) },
      ]);
    }
  });

  it('strips a byte order mark and skips blank lines', () => {
    const alice = zohoRow(1, 'alice');
    const bob = zohoRow(2, 'bob');
    const content = `\uFEFF${TS_HEADER}\n\n${tsLine(alice)}\r\n   \n\r\n${tsLine(bob)}\n\n`;

    const records = parseZohoTokenFile(content);

    expect(records.map((record) => record.position)).toEqual([{ line: 3 }, { line: 6 }]);
    expect(tokensOf(records)).toEqual([
      { id: '1', ...expectedToken(alice) },
      { id: '2', ...expectedToken(bob) },
    ]);
  });

  it('takes empty cells and the text null as no value', () => {
    const row = zohoRow(1, 'alice', { clientSecret: 'null', grantToken: '', apiDomain: 'null' });

    const [record] = parseZohoTokenFile(`${TS_HEADER}\n${tsLine(row)}`);

    expect(record).toMatchObject({ kind: 'token' });
    const token = record?.kind === 'token' ? record.token : {};
    expect(token).not.toHaveProperty('clientSecret');
    expect(token).not.toHaveProperty('grantToken');
    expect(token).not.toHaveProperty('apiDomain');
    expect(token.expiresAt).toBe(1_767_225_600_000);
  });

  it('keeps values byte for byte, with no trimming', () => {
    const row = zohoRow(1, ' zoë.😀@example.test ', { refreshToken: ' 1000.rt.padded ' });

    const [record] = parseZohoTokenFile(`${TS_HEADER}\n${tsLine(row)}`);

    expect(record?.kind).toBe('token');
    const token = record?.kind === 'token' ? record.token : undefined;
    expect(token).toEqual({ id: '1', ...expectedToken(row) });
  });

  it('reports a line with too many or too few fields', () => {
    const alice = zohoRow(1, 'alice', { redirectUrl: 'https://app.example.test/cb?scope=a,b' });
    const bob = zohoRow(2, 'bob');
    const carol = zohoRow(3, 'carol');
    const shortLine = tsLine(bob).split(',').slice(0, 8).join(',');
    const content = [TS_HEADER, tsLine(alice), shortLine, tsLine(carol)].join('\n');

    const records = parseZohoTokenFile(content);

    expect(malformedOf(records)).toEqual([
      { kind: 'malformed', position: { line: 2 }, reason: 'has 11 fields, the header has 10' },
      { kind: 'malformed', position: { line: 3 }, reason: 'has 8 fields, the header has 10' },
    ]);
    expect(tokensOf(records)[2]).toEqual({ id: '3', ...expectedToken(carol) });
  });

  it('reports a quote without its closing quote and reads the lines after it', () => {
    const alice = zohoRow(1, 'alice', { redirectUrl: '"https://app.example.test/cb' });
    const bob = zohoRow(2, 'bob');
    const content = [TS_HEADER, tsLine(alice), tsLine(bob)].join('\n');

    const records = parseZohoTokenFile(content);

    expect(records[0]).toEqual({
      kind: 'malformed',
      position: { line: 2 },
      reason: 'has a quoted value without its closing quote',
    });
    expect(records[1]).toEqual({
      kind: 'token',
      position: { line: 3 },
      token: { id: '2', ...expectedToken(bob) },
    });
  });

  it('reports text after a closing quote', () => {
    const line = tsLine(zohoRow(1, 'alice')).replace('1000.rt.alice.0001', '"1000.rt"alice');

    const records = parseZohoTokenFile(`${TS_HEADER}\n${line}`);

    expect(malformedOf(records)).toEqual([
      {
        kind: 'malformed',
        position: { line: 2 },
        reason: 'has text after the closing quote of field 5',
      },
    ]);
  });

  it('reports an expiry that is not a whole number', () => {
    const lines = ['12.5', 'soon', '1e12', ' 1767225600000'].map((expiry, index) =>
      tsLine(zohoRow(index + 1, `user${index}`, { expiry })),
    );

    const records = parseZohoTokenFile([TS_HEADER, ...lines].join('\n'));

    expect(records).toEqual(
      [2, 3, 4, 5].map((line) => ({
        kind: 'malformed',
        position: { line },
        reason: 'expiry_time is not a whole number of milliseconds',
      })),
    );
  });

  it('reports a record without any token value', () => {
    const row = zohoRow(1, 'alice', { refreshToken: '', accessToken: 'null', grantToken: '' });

    const records = parseZohoTokenFile(`${TS_HEADER}\n${tsLine(row)}`);

    expect(records).toEqual([
      {
        kind: 'malformed',
        position: { line: 2 },
        reason: 'holds no access, refresh or grant token',
      },
    ]);
  });

  it('reports a value that is not UTF-8', () => {
    const before = Buffer.from(`${TS_HEADER}\n1,`);
    const after = Buffer.from(`,c,s,1000.rt.x,1000.at.x,,${1},https://app.example.test,\n`);
    const latin1Name = Buffer.from('zo\xeb@example.test', 'latin1');

    const records = parseZohoTokenFile(Buffer.concat([before, latin1Name, after]));

    expect(records).toEqual([
      {
        kind: 'malformed',
        position: { line: 2 },
        reason: 'user_mail is not valid UTF-8 text',
      },
    ]);
  });

  it('reports a value that the core rejects', () => {
    const row = zohoRow(1, 'alice', { expiry: '99999999999999999999' });

    const [record] = parseZohoTokenFile(`${TS_HEADER}\n${tsLine(row)}`);

    expect(record).toEqual({
      kind: 'malformed',
      position: { line: 2 },
      reason: 'expiry_time is not a whole number of milliseconds',
    });
  });

  it('reports each later record that repeats a unique value', () => {
    const alice = zohoRow(1, 'alice', { grantToken: '1000.gt.alice' });
    const rows = [
      alice,
      zohoRow(2, 'alice', { refreshToken: 'r2', accessToken: 'a2', grantToken: '' }),
      zohoRow(3, 'bob', { refreshToken: alice.refreshToken }),
      zohoRow(4, 'carol', { accessToken: alice.accessToken }),
      zohoRow(5, 'dave', { grantToken: alice.grantToken }),
      zohoRow(6, 'erin'),
    ];

    const records = parseZohoTokenFile([PYTHON_HEADER, ...rows.map(tsLine)].join('\n'));

    expect(malformedOf(records).map((record) => [record.position, record.reason])).toEqual([
      [{ line: 3 }, 'holds the same user_name as line 2'],
      [{ line: 4 }, 'holds the same refresh_token as line 2'],
      [{ line: 5 }, 'holds the same access_token as line 2'],
      [{ line: 6 }, 'holds the same grant_token as line 2'],
    ]);
    expect(records.map((record) => record.kind)).toEqual([
      'token',
      'malformed',
      'malformed',
      'malformed',
      'malformed',
      'token',
    ]);
  });

  it('never puts a value of a record into a reason', () => {
    const secret = 'S3CRET-value-9f8e7d';
    const rows = [
      zohoRow(1, secret, { refreshToken: `${secret}r` }),
      zohoRow(2, secret, { refreshToken: `${secret}q`, accessToken: `${secret}a` }),
      zohoRow(3, 'bob', { expiry: secret, accessToken: `${secret}b` }),
      zohoRow(4, 'carol', { clientSecret: `"${secret}`, accessToken: `${secret}c` }),
      zohoRow(5, 'dave', { redirectUrl: `https://x/?a=${secret},b` }),
    ];

    const records = parseZohoTokenFile([TS_HEADER, ...rows.map(tsLine)].join('\n'));

    expect(malformedOf(records)).toHaveLength(4);
    for (const record of malformedOf(records)) {
      expect(record.reason).not.toContain('S3CRET');
      expect(record.reason).not.toContain('example.test');
    }
  });
});

describe('parseZohoTokenFile header', () => {
  it.each([
    ['an empty file', '', 'it has no header line'],
    ['only blank lines', '\n\r\n\n', 'it has no header line'],
    [
      'eight columns',
      'id,user_mail,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time',
      'its header has 8 columns, where a Zoho token file has 9 or 10',
    ],
    ['one column', 'name', 'its header has 1 column, where a Zoho token file has 9 or 10'],
    [
      'another second column',
      TS_HEADER.replace('user_mail', 'email'),
      'column 2 of its header is not user_name or user_mail',
    ],
    [
      'a column out of place',
      TS_HEADER.replace('refresh_token,access_token', 'access_token,refresh_token'),
      'column 5 of its header is not refresh_token',
    ],
    [
      'a token line in place of the header',
      tsLine(zohoRow(1, 'alice')),
      'column 2 of its header is not user_name or user_mail',
    ],
  ])('rejects %s', (_name, content, detail) => {
    const error = parseError(content);

    expect(error).toBeInstanceOf(TokenStoreError);
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.detail).toBe(`the content is not a Zoho token file: ${detail}`);
    expect(error.message).not.toContain('alice');
  });
});

describe('parseZohoTokenFile content', () => {
  it.each([
    ['a number', 42],
    ['null', null],
    ['an array of lines', [TS_HEADER]],
  ])('rejects %s', (_name, content) => {
    const error = parseError(content as unknown as string);

    expect(error).toBeInstanceOf(TokenStoreError);
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.message).toBe(
      'parseZohoTokenFile: expected the content of a token file as a string or bytes',
    );
  });

  it('reads a Buffer', () => {
    const alice = zohoRow(1, 'alice');

    const records = parseZohoTokenFile(Buffer.from(`${TS_HEADER}\n${tsLine(alice)}`));

    expect(tokensOf(records)).toEqual([{ id: '1', ...expectedToken(alice) }]);
  });
});

describe('readZohoTokenFile', () => {
  it('reads a file from disk', async () => {
    const path = join(temporaryFolder(), 'zoho_tokens.csv');
    const alice = zohoRow(7, 'alice');
    writeFileSync(path, `${TS_HEADER}\n${tsLine(alice)}`);

    const records = await readZohoTokenFile(path);

    expect(tokensOf(records)).toEqual([{ id: '7', ...expectedToken(alice) }]);
  });

  it('names the file when its header is wrong', async () => {
    const path = join(temporaryFolder(), 'notes.csv');
    writeFileSync(path, 'a,b,c\n1,2,3\n');

    await expect(readZohoTokenFile(path)).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      detail: `${path} is not a Zoho token file: its header has 3 columns, where a Zoho token file has 9 or 10`,
    });
  });

  it('rejects a missing file with INVALID_OPTIONS', async () => {
    const path = join(temporaryFolder(), 'missing.csv');

    await expect(readZohoTokenFile(path)).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      detail: `the token file ${path} does not exist`,
    });
  });
});
