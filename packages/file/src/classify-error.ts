/**
 * Maps filesystem errors to the store's error codes: a resource that may come back
 * (space, descriptors) is `UNAVAILABLE`, a permanent refusal (permissions, a read-only
 * filesystem, a directory in the file's place) is `BACKEND`.
 */
import { TokenStoreError, type TokenStoreErrorCode } from '@tokenstore/core';

interface ErrnoClass {
  code: TokenStoreErrorCode;
  reason: string;
}

const ERRNO_CLASSES: Readonly<Record<string, ErrnoClass>> = {
  ENOSPC: { code: 'UNAVAILABLE', reason: 'no space left on the device' },
  EDQUOT: { code: 'UNAVAILABLE', reason: 'the disk quota is exceeded' },
  EMFILE: { code: 'UNAVAILABLE', reason: 'the process has too many open files' },
  ENFILE: { code: 'UNAVAILABLE', reason: 'the system has too many open files' },
  EAGAIN: { code: 'UNAVAILABLE', reason: 'the resource is temporarily unavailable' },
  EBUSY: { code: 'UNAVAILABLE', reason: 'the resource is busy' },
  EACCES: { code: 'BACKEND', reason: 'permission denied' },
  EPERM: { code: 'BACKEND', reason: 'operation not permitted' },
  EROFS: { code: 'BACKEND', reason: 'the filesystem is read-only' },
  EISDIR: { code: 'BACKEND', reason: 'a directory is in the place of a file' },
  ENOTDIR: { code: 'BACKEND', reason: 'a part of the path is not a directory' },
  // mkdir() with `recursive` reports a file in the place of a folder this way.
  EEXIST: { code: 'BACKEND', reason: 'a file is in the place of a folder' },
  ENAMETOOLONG: { code: 'BACKEND', reason: 'the path is too long' },
  ELOOP: { code: 'BACKEND', reason: 'the path has too many symbolic links' },
  EIO: { code: 'BACKEND', reason: 'an input/output error occurred' },
};

/**
 * Returns the `TokenStoreError` for a filesystem error of the store at `filePath`, or
 * `undefined` for other errors, which the core reports as `BACKEND`.
 */
export function classifyFileError(error: unknown, filePath: string): TokenStoreError | undefined {
  const { code, syscall } = error as Partial<NodeJS.ErrnoException>;
  const errnoClass = code === undefined ? undefined : ERRNO_CLASSES[code];
  if (errnoClass === undefined) {
    return undefined;
  }

  const on = syscall === undefined ? '' : ` in ${syscall}`;
  return new TokenStoreError(
    errnoClass.code,
    `cannot use the token file ${filePath}: ${errnoClass.reason} (${code}${on})`,
    { cause: error },
  );
}
