/**
 * Input validation: the empty-value policy and the types every store accepts. Stores
 * call these before touching their backend, so a rejected input changes nothing.
 */
import { TokenStoreError } from './errors.js';
import { STRING_FIELDS, TOKEN_FIELDS, type OAuthToken, type TokenInput } from './token.js';

const KNOWN_FIELDS: ReadonlySet<string> = new Set(TOKEN_FIELDS);
const STRING_FIELD_SET: ReadonlySet<string> = new Set(STRING_FIELDS);

// A lone UTF-16 surrogate has no UTF-8 form: a SQL or document store would replace it
// with U+FFFD, so the value could not round-trip. In `u` mode a valid pair is one
// code point, so this matches lone surrogates only.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Validates a token given to `saveToken` or `findToken` and returns a new object that
 * holds only the fields that were given.
 *
 * A field that is absent, `undefined`, `null` or `""` is "not given". Any other value
 * must have the field's type: a string, or for `expiresAt` a safe integer of epoch
 * milliseconds. Unknown field names are rejected too, so that a misspelt field
 * (`expiry_time`, `refresh_token`) is never dropped in silence.
 *
 * @throws TokenStoreError `INVALID_TOKEN`, naming the field but never its value.
 */
export function normalizeToken(input: unknown): OAuthToken {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid(`expected a token object, got ${describeType(input)}`);
  }

  const token: Record<string, unknown> = {};
  for (const field of Object.keys(input)) {
    if (!KNOWN_FIELDS.has(field)) {
      throw invalid(`unknown field ${JSON.stringify(field.slice(0, 40))}`);
    }
    const value = (input as Record<string, unknown>)[field];
    if (value === undefined || value === null || value === '') {
      continue;
    }
    token[field] = STRING_FIELD_SET.has(field)
      ? checkString(field, value)
      : checkExpiry(field, value);
  }
  return token as OAuthToken;
}

/**
 * Validates an id given to `findTokenById` or `deleteToken`. Returns `undefined` for
 * `""`, which names no record.
 *
 * @throws TokenStoreError `INVALID_TOKEN` when the id is not a string.
 */
export function normalizeId(id: unknown): string | undefined {
  if (typeof id !== 'string') {
    throw invalid(`expected the id as a string, got ${describeType(id)}`);
  }
  if (id === '') {
    return undefined;
  }
  return checkString('id', id);
}

/** Tells whether the token carries an access, refresh or grant token. */
export function carriesTokenValue(token: OAuthToken): boolean {
  return (
    token.accessToken !== undefined ||
    token.refreshToken !== undefined ||
    token.grantToken !== undefined
  );
}

/** Returns the type of a value as a message shows it, never the value itself. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return String(value);
    if (!Number.isInteger(value)) return 'a fractional number';
    if (!Number.isSafeInteger(value)) return 'an integer beyond the safe range';
    return 'a number';
  }
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function checkString(field: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw invalid(`${field} must be a string, got ${describeType(value)}`);
  }
  if (LONE_SURROGATE.test(value)) {
    throw invalid(`${field} is not well-formed Unicode: it contains a lone surrogate`);
  }
  return value;
}

function checkExpiry(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalid(
      `${field} must be an integer number of epoch milliseconds, got ${describeType(value)}`,
    );
  }
  return value;
}

function invalid(detail: string): TokenStoreError {
  return new TokenStoreError('INVALID_TOKEN', detail);
}

export type { TokenInput };
