/**
 * The command's progress line and summary, on the results of real imports into stores
 * in memory and SQLite.
 */
import type { OAuthToken, TokenStore } from '@tokenstore/core';
import { describe, expect, it } from 'vitest';

import { importZohoTokens, parseZohoTokenFile, type ZohoRecord } from '../src/import/index.js';
import { createProgressReporter, formatSummary } from '../src/cli/report.js';
import { TS_HEADER, openStore, tsLine, zohoRow } from './import/support.js';

/** Returns a stream that records what is written, as a terminal or as a pipe. */
function recordingStream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) };
}

/** Returns `store` with another writer that saves `token` before the save `saveNumber`. */
function withWriterBeforeSave(store: TokenStore, saveNumber: number, token: OAuthToken) {
  let saves = 0;
  return {
    ...store,
    saveToken: async (input: Parameters<TokenStore['saveToken']>[0]) => {
      saves += 1;
      if (saves === saveNumber) await store.saveToken(token);
      return store.saveToken(input);
    },
  };
}

function tokenFile(count: number, malformedAt: number[] = []): string {
  const lines = Array.from({ length: count }, (_, index) => {
    const change = malformedAt.includes(index) ? { expiry: 'soon' } : {};
    return tsLine(zohoRow(index + 1, `user${index + 1}`, change));
  });
  return [TS_HEADER, ...lines].join('\n');
}

describe('progress on a terminal', () => {
  it('redraws at most every 100 ms of the clock', () => {
    const stream = recordingStream(true);
    let clock = 0;
    const progress = createProgressReporter(stream, { now: () => clock });

    for (let done = 0; done <= 20_000; done += 1) {
      progress.onProgress(done, 20_000);
      clock += 1;
    }
    progress.finish();

    const redraws = stream.writes.filter((text) => text.startsWith('\r'));
    // One redraw at 0 ms, one per 100 ms of the 20,000 ms, and one at the last save.
    expect(redraws.length).toBeLessThanOrEqual(202);
    expect(redraws.length).toBeGreaterThanOrEqual(200);
    expect(redraws.at(-1)).toBe('\rsaved 20000 of 20000 tokens (100%)');
    expect(stream.writes.at(-1)).toBe('\n');
  });

  it('draws the latest count when the saves stop early', () => {
    const stream = recordingStream(true);
    const progress = createProgressReporter(stream, { now: () => 0 });

    for (let done = 0; done <= 5; done += 1) progress.onProgress(done, 10);
    progress.finish();

    expect(stream.writes).toEqual([
      '\rsaved 0 of 10 tokens (0%)',
      '\rsaved 5 of 10 tokens (50%)',
      '\n',
    ]);
  });

  it('redraws a few times in an import of 20,000 tokens', async () => {
    const store = openStore('memory');
    const records = parseZohoTokenFile(tokenFile(20_000));
    const stream = recordingStream(true);
    const progress = createProgressReporter(stream);

    const started = performance.now();
    const result = await importZohoTokens(records, store, { onProgress: progress.onProgress });
    progress.finish();
    const elapsed = performance.now() - started;

    expect(result.outcome).toBe('imported');
    const redraws = stream.writes.filter((text) => text.startsWith('\r'));
    expect(redraws.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    expect(redraws.at(-1)).toBe('\rsaved 20000 of 20000 tokens (100%)');
  });

  it('writes a line at every tenth to a pipe', () => {
    const stream = recordingStream(false);
    const progress = createProgressReporter(stream, { now: () => 0 });

    for (let done = 0; done <= 100; done += 1) progress.onProgress(done, 100);
    progress.finish();

    expect(stream.writes).toHaveLength(11);
    expect(stream.writes.at(-1)).toBe('saved 100 of 100 tokens (100%)\n');
  });
});

describe('summary of tokens not written', () => {
  it('shows consecutive lines as one range', async () => {
    const store = openStore('sqlite');
    const rows = parseZohoTokenFile(tokenFile(40));
    const raced = withWriterBeforeSave(store, 3, {
      userName: 'mallory@example.test',
      refreshToken: zohoRow(3, 'user3').refreshToken,
    });

    const result = await importZohoTokens(rows, raced);
    const summary = formatSummary(result, 'zoho_tokens.csv', 'sqlite:tokens.db');

    expect(result.outcome).toBe('failed');
    expect(summary).toContain(
      'Wrote 2 of 40 tokens to sqlite:tokens.db, then the import stopped.\n',
    );
    expect(summary).toContain('Failed: line 4: CONFLICT: ');
    expect(summary).toContain('Not written: 37 tokens (lines 5–41).\n');
  });

  it('splits the range at skipped malformed lines', async () => {
    const store = openStore('memory');
    const rows = parseZohoTokenFile(tokenFile(30, [10, 12]));
    const raced = withWriterBeforeSave(store, 3, {
      userName: 'mallory@example.test',
      refreshToken: zohoRow(3, 'user3').refreshToken,
    });

    const result = await importZohoTokens(rows, raced, { onMalformed: 'skip' });
    const summary = formatSummary(result, 'zoho_tokens.csv', 'memory');

    expect(summary).toContain('Not written: 25 tokens (lines 5–11, line 13, lines 15–31).\n');
  });

  it('lists at most 20 entries and counts the rest', async () => {
    const store = openStore('memory');
    // Every other line is malformed, so no two tokens left are on consecutive lines.
    const malformed = Array.from({ length: 30 }, (_, index) => 2 * index + 1);
    const rows = parseZohoTokenFile(tokenFile(60, malformed));
    const raced = withWriterBeforeSave(store, 1, {
      userName: 'mallory@example.test',
      refreshToken: zohoRow(1, 'user1').refreshToken,
    });

    const result = await importZohoTokens(rows, raced, { onMalformed: 'skip' });
    const summary = formatSummary(result, 'zoho_tokens.csv', 'memory');

    const lines = Array.from({ length: 20 }, (_, index) => `line ${4 + 2 * index}`);
    expect(summary).toContain(`Not written: 29 tokens (${lines.join(', ')} and 9 more).\n`);
  });

  it('shows consecutive table rows as one range', async () => {
    const store = openStore('memory');
    const records: ZohoRecord[] = [1, 2, 3, 4, 5].map((row) => ({
      kind: 'token',
      position: { row, id: String(row) },
      token: { userName: `user${row}`, accessToken: `A${row}` },
    }));
    const raced = withWriterBeforeSave(store, 2, { userName: 'mallory', accessToken: 'A2' });

    const result = await importZohoTokens(records, raced);
    const summary = formatSummary(result, 'the table oauthtoken', 'memory');

    expect(summary).toContain('Failed: row 2 (id 2): CONFLICT: ');
    expect(summary).toContain('Not written: 3 tokens (rows 3–5).\n');
  });
});

describe('summary of a conflict found before the first save', () => {
  it('names the earlier line that inserts the holder', async () => {
    const store = openStore('memory');
    const records: ZohoRecord[] = [
      { kind: 'token', position: { line: 2 }, token: { userName: 'a', grantToken: 'G' } },
      { kind: 'token', position: { line: 3 }, token: { userName: 'b', grantToken: 'G' } },
    ];

    const result = await importZohoTokens(records, store);
    const summary = formatSummary(result, 'tokens.csv', 'memory');

    expect(summary).toBe(
      'Read 2 records from tokens.csv: 2 tokens, 0 malformed.\n' +
        'Nothing was written, because line 3 holds the grantToken of the record that line 2 inserts.\n' +
        'Correct one of the two, then run again.\n',
    );
  });
});
