/**
 * The command's progress line and summary, on the results of real imports into stores
 * in memory and SQLite.
 */
import { describe, expect, it } from 'vitest';

import { importZohoTokens, type ZohoRecord } from '../src/import/index.js';
import { formatSummary } from '../src/cli/report.js';
import { openStore } from './import/support.js';

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
