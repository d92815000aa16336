/**
 * The conformance suite against the file store: each case gets a new file in a new
 * temporary folder, and `readRaw` parses the record's line straight from the file.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runConformanceSuite } from '@tokenstore/conformance';
import { describe, it } from 'vitest';

import { createFileStore } from '../src/index.js';

/** Returns the parsed line of the record with this id, or `null`. */
async function readRecordLine(path: string, id: string): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const rows = text
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return rows.find((row) => row.id === id) ?? null;
}

runConformanceSuite(
  { describe, it },
  {
    name: 'file',
    capabilities: { durable: true, sharedInstances: true, rawRead: true },
    async createTarget() {
      const folder = await mkdtemp(join(tmpdir(), 'tokenstore-file-conformance-'));
      const path = join(folder, 'tokens.jsonl');
      return {
        open: async () => createFileStore({ path }),
        readRaw: (id) => readRecordLine(path, id),
        dispose: () => rm(folder, { recursive: true, force: true }),
      };
    },
  },
);
