/**
 * The options of the Zoho token table reader that it rejects before it connects, so
 * that these tests need no server.
 */
import { describe, expect, it } from 'vitest';

import { readZohoTokenTable } from '../../src/import/index.js';

describe('readZohoTokenTable options', () => {
  it('rejects an ssl value that mysql2 cannot use', async () => {
    const url = 'mysql://zoho:hunter2secret@127.0.0.1:1/zohooauth?ssl=bogus';

    const error = await readZohoTokenTable({ url }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: 'INVALID_OPTIONS' });
    expect((error as Error).message).toContain('an ssl value');
    expect((error as Error).message).not.toContain('hunter2secret');
  });

  it('rejects a table name that would need quoting', async () => {
    const url = 'mysql://zoho:secret@127.0.0.1:1/zohooauth';

    await expect(readZohoTokenTable({ url, table: '1tokens' })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      detail: expect.stringContaining('table must be a letter or _'),
    });
  });
});
