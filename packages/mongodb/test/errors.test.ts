/**
 * The mapping of the driver's error classes and the server's error codes to the store's
 * error codes, with errors built from the driver's own classes.
 */
import {
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerError,
  MongoTopologyClosedError,
} from 'mongodb';
import { describe, expect, it } from 'vitest';

import { classifyMongoError, isDuplicateKeyError } from '../src/errors.js';

const SECRET = '1000.at.alice.0001';

function serverError(code: number, codeName: string, message = 'refused'): MongoServerError {
  return new MongoServerError({ ok: 0, code, codeName, errmsg: message });
}

function overloaded(): MongoServerError {
  const error = serverError(1, 'InternalError');
  error.addErrorLabel('SystemOverloadedError');
  return error;
}

describe('classifyMongoError', () => {
  it.each([
    ['a lost connection', new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed')],
    ['a socket timeout', new MongoNetworkTimeoutError('connection timed out')],
    ['a shutting-down server', serverError(91, 'ShutdownInProgress')],
    ['a stepped-down primary', serverError(189, 'PrimarySteppedDown')],
    ['an exceeded time limit', serverError(50, 'MaxTimeMSExpired')],
    ['a lock timeout', serverError(24, 'LockTimeout')],
    ['too many open files', serverError(264, 'TooManyFilesOpen')],
    ['an exceeded memory limit', serverError(146, 'ExceededMemoryLimit')],
    ['an overloaded server', overloaded()],
  ])('reports %s as UNAVAILABLE', (_label, error) => {
    const classified = classifyMongoError(error);

    expect(classified?.code).toBe('UNAVAILABLE');
    expect(classified?.cause).toBe(error);
  });

  it.each([
    ['a missing privilege', serverError(13, 'Unauthorized'), 'Unauthorized'],
    ['rejected credentials', serverError(18, 'AuthenticationFailed'), 'AuthenticationFailed'],
    ['a missing feature', serverError(238, 'NotImplemented'), 'NotImplemented'],
    ['any other server error', serverError(2, 'BadValue'), 'BadValue 2'],
    ['a closed client', new MongoTopologyClosedError(), 'client is closed'],
  ])('reports %s as BACKEND', (_label, error, named) => {
    const classified = classifyMongoError(error);

    expect(classified?.code).toBe('BACKEND');
    expect(classified?.message).toContain(named);
  });

  it('reports a duplicate key as CONFLICT', () => {
    const error = serverError(
      11000,
      'DuplicateKey',
      `E11000 dup key: { user_name_key: "v:${SECRET}" }`,
    );

    expect(classifyMongoError(error)?.code).toBe('CONFLICT');
  });

  it('keeps server messages out of its own', () => {
    const error = serverError(2, 'BadValue', `bad value ${SECRET}`);

    expect(classifyMongoError(error)?.message).not.toContain(SECRET);
    expect(classifyMongoError(error)?.cause).toBe(error);
  });

  it('leaves errors without a code to the core', () => {
    expect(classifyMongoError(new TypeError('x is not a function'))).toBeUndefined();
    expect(classifyMongoError('a string')).toBeUndefined();
  });
});

describe('isDuplicateKeyError', () => {
  it('recognises code 11000', () => {
    expect(isDuplicateKeyError(serverError(11000, 'DuplicateKey'))).toBe(true);
  });

  it('recognises the FerretDB update error', () => {
    const ferretUpdate = serverError(
      1,
      'InternalError',
      "[collection.go:177 sqlite.(*collection).UpdateAll.func1] constraint failed: UNIQUE constraint failed: index 'tokens_1a0d_user_name_key_unique' (2067)",
    );

    expect(isDuplicateKeyError(ferretUpdate)).toBe(true);
  });

  it('rejects other internal errors', () => {
    expect(isDuplicateKeyError(serverError(1, 'InternalError', 'disk I/O error'))).toBe(false);
    expect(isDuplicateKeyError(new MongoNetworkError('UNIQUE constraint failed'))).toBe(false);
  });
});
