/** The tokenstore stores the demo can keep its tokens in, and where their files go. */
import { join } from 'node:path';

import type { TokenStore } from '@tokenstore/core';

/** A store the demo can use. */
export type StoreKind = 'sqlite' | 'file';

/** Every `StoreKind`, in the order the usage text lists them. */
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'file'];

const FILE_NAMES: Record<StoreKind, string> = {
  sqlite: 'tokens.db',
  file: 'tokens.json',
};

/** Returns the path of the store's file in `dir`. */
export function storePathIn(kind: StoreKind, dir: string): string {
  return join(dir, FILE_NAMES[kind]);
}

/**
 * Opens a store of this kind on `path`. Each store package is imported only when it is
 * used, so that `--store file` never loads the native SQLite binding.
 */
export async function openStore(kind: StoreKind, path: string): Promise<TokenStore> {
  if (kind === 'sqlite') {
    const { createSqliteStore } = await import('@tokenstore/sqlite');
    return createSqliteStore({ path });
  }
  const { createFileStore } = await import('@tokenstore/file');
  return createFileStore({ path });
}
