import { isTokenStoreError } from '@tokenstore/core';
import { describe, expect, it } from 'vitest';

import { createFileStore, type FileStoreOptions } from '../src/index.js';

function creationError(options: unknown): unknown {
  try {
    createFileStore(options as FileStoreOptions);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('createFileStore options', () => {
  it.each([
    ['no options at all', undefined],
    ['null', null],
    ['an empty path', { path: '' }],
    ['a path that is not a string', { path: 42 }],
    ['a negative timeout', { path: 'tokens.json', timeoutMs: -1 }],
    ['a misspelt option', { path: 'tokens.json', timeout: 1000 }],
  ])('rejects %s with INVALID_OPTIONS', (_label, options) => {
    const error = creationError(options);

    expect(isTokenStoreError(error, 'INVALID_OPTIONS')).toBe(true);
  });

  it('names a misspelt option in the message', () => {
    const error = creationError({ path: 'tokens.json', timeout: 1000 });

    expect((error as Error).message).toContain('"timeout"');
  });
});
