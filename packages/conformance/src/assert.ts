/**
 * Assertions shared by the cases, on top of `node:assert/strict`: error codes, the
 * shape of returned records, and comparisons of record sets.
 */
import assert from 'node:assert/strict';

import { TOKEN_FIELDS, type StoredToken, type TokenInput } from '@tokenstore/core';

const KNOWN_FIELDS: ReadonlySet<string> = new Set(TOKEN_FIELDS);
const EMPTY_TEXTS: ReadonlySet<string> = new Set(['', 'null', 'undefined', 'NaN']);

/** The outcome of a promise, as `Promise.allSettled` reports it. */
export type Outcome<T> = PromiseSettledResult<T>;

/** Waits for a promise and returns its outcome instead of throwing. */
export async function settle<T>(promise: Promise<T>): Promise<Outcome<T>> {
  const [outcome] = await Promise.allSettled([promise]);
  return outcome as Outcome<T>;
}

/**
 * Returns the `code` of a `TokenStoreError`, or `undefined` for any other error. It
 * reads the name and code instead of using `instanceof`, so that a store built on
 * another copy of `@tokenstore/core` is judged the same way.
 */
export function errorCodeOf(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== 'TokenStoreError') {
    return undefined;
  }
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Calls `action` and asserts that it returns a promise that rejects with a
 * `TokenStoreError` of `code`, without throwing synchronously. The error message must
 * contain none of `secrets`.
 */
export async function assertRejectsWithCode(
  label: string,
  action: () => Promise<unknown>,
  code: string,
  secrets: readonly string[] = [],
): Promise<unknown> {
  let promise: Promise<unknown>;
  try {
    promise = action();
  } catch (error) {
    assert.fail(`${label}: threw synchronously instead of rejecting: ${describeError(error)}`);
  }
  assert.ok(promise instanceof Promise, `${label}: did not return a promise`);

  const outcome = await settle(promise);
  assert.equal(outcome.status, 'rejected', `${label}: resolved, expected a rejection with ${code}`);
  const error: unknown = outcome.status === 'rejected' ? outcome.reason : undefined;
  assert.equal(errorCodeOf(error), code, `${label}: expected ${code}, got ${describeError(error)}`);
  assertNoSecrets(label, error, secrets);
  return error;
}

/** Asserts that the message of `error` contains none of `secrets`. */
export function assertNoSecrets(label: string, error: unknown, secrets: readonly string[]): void {
  const message = error instanceof Error ? error.message : String(error);
  for (const secret of secrets) {
    assert.ok(
      !message.includes(secret),
      `${label}: the error message contains a token value or secret (${secret.length} chars)`,
    );
  }
}

/** Describes an error for an assertion message: its name, code and message. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) {
    return `a non-error value (${typeof error})`;
  }
  const code = (error as { code?: unknown }).code;
  const codeText = code === undefined ? '' : ` [${String(code)}]`;
  return `${error.name}${codeText}: ${error.message.slice(0, 300)}`;
}

/**
 * Asserts the shape every returned record has. It is a plain object with a non-empty
 * string id and only known fields. The string fields contain strings and `expiresAt` a
 * finite number. No field is `null` or `undefined`, and none contains `""` or the text
 * `"null"`, `"undefined"` or `"NaN"`.
 */
export function assertRecordShape(label: string, record: unknown): asserts record is StoredToken {
  assert.notEqual(record, null, `${label}: null instead of a record`);
  assert.equal(typeof record, 'object', `${label}: a ${typeof record} instead of a record`);
  assert.equal(Object.getPrototypeOf(record), Object.prototype, `${label}: not a plain object`);

  const fields = record as Record<string, unknown>;
  assert.equal(typeof fields.id, 'string', `${label}: id is not a string`);
  assert.notEqual(fields.id, '', `${label}: id is empty`);

  for (const [field, value] of Object.entries(fields)) {
    assert.ok(KNOWN_FIELDS.has(field), `${label}: unknown field ${JSON.stringify(field)}`);
    assert.notEqual(value, null, `${label}: ${field} is null`);
    assert.notEqual(value, undefined, `${label}: ${field} is present but undefined`);
    if (field === 'expiresAt') {
      assert.equal(typeof value, 'number', `${label}: expiresAt is a ${typeof value}`);
      assert.ok(Number.isFinite(value), `${label}: expiresAt is not finite`);
      continue;
    }
    assert.equal(typeof value, 'string', `${label}: ${field} is a ${typeof value}`);
    assert.ok(
      !EMPTY_TEXTS.has(value as string),
      `${label}: ${field} holds ${JSON.stringify(value)}`,
    );
  }
}

/**
 * Returns the record a store must return after saving `input` as a new record with
 * this id: the given fields, without those that are `undefined`, `null` or `""`.
 */
export function expectedRecord(input: TokenInput, id: string): StoredToken {
  const record: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(input)) {
    if (value !== undefined && value !== null && value !== '') {
      record[field] = value;
    }
  }
  return { ...record, id } as StoredToken;
}

/** Asserts that `actual` is the record `expected`, field for field, after checking its shape. */
export function assertRecord(label: string, actual: unknown, expected: StoredToken): void {
  assert.notEqual(actual, null, `${label}: found no record`);
  assert.notEqual(actual, undefined, `${label}: returned undefined instead of a record`);
  assertRecordShape(label, actual);
  assert.deepStrictEqual(actual, expected, `${label}: the record differs`);
}

/** Asserts that two lists hold the same records, in any order. */
export function assertSameRecords(
  label: string,
  actual: readonly StoredToken[],
  expected: readonly StoredToken[],
): void {
  assert.ok(Array.isArray(actual), `${label}: not an array`);
  assert.equal(
    actual.length,
    expected.length,
    `${label}: ${actual.length} records, expected ${expected.length}`,
  );
  actual.forEach((record, index) => assertRecordShape(`${label}, record ${index}`, record));
  assert.deepStrictEqual(sortById(actual), sortById(expected), `${label}: the records differ`);
}

/** Returns the records sorted by id, so that lists can be compared regardless of order. */
export function sortById(records: readonly StoredToken[]): StoredToken[] {
  return [...records].sort(compareIds);
}

function compareIds(left: StoredToken, right: StoredToken): number {
  if (left.id < right.id) return -1;
  if (left.id > right.id) return 1;
  return 0;
}

/**
 * Waits for `promise`, failing with `message` when it has not settled within `ms`
 * milliseconds.
 */
export async function settleWithin<T>(
  promise: Promise<T>,
  ms: number,
  message: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new assert.AssertionError({ message })), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
