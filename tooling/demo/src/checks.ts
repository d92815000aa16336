/**
 * The checks a demo step makes, and their failure messages. A message shows token values
 * and the client secret only through `maskSecret`, never raw.
 */
import { SECRET_FIELDS, maskSecret, type OAuthToken, type TokenField } from '@tokenstore/core';

/** A failed check of a demo step. Its message states what was found instead. */
export class DemoCheckError extends Error {
  override readonly name = 'DemoCheckError';
}

/** Throws a `DemoCheckError` with `message` when `condition` is false. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) {
    throw new DemoCheckError(message);
  }
}

/**
 * Checks that `record` contains exactly the given values in the fields of `expected`,
 * where `what` names the record in the message ("the saved record").
 */
export function checkFields(what: string, record: OAuthToken, expected: OAuthToken): void {
  for (const field of Object.keys(expected) as TokenField[]) {
    const actual = record[field];
    check(
      actual === expected[field],
      `${what} has ${field} ${show(field, actual)}, expected ${show(field, expected[field])}`,
    );
  }
}

/** Returns a value as a message may show it: masked when the field contains a secret. */
export function show(field: TokenField, value: string | number | undefined): string {
  if (value === undefined) {
    return '(none)';
  }
  if (isSecretField(field)) {
    return maskSecret(String(value));
  }
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Returns the message of an error a step threw, with the code of its cause if it has one. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const causeCode = (error.cause as { code?: unknown } | undefined)?.code;
  if (typeof causeCode !== 'string' || error.message.includes(causeCode)) {
    return error.message;
  }
  return `${error.message} (${causeCode})`;
}

function isSecretField(field: TokenField): boolean {
  return (SECRET_FIELDS as readonly TokenField[]).includes(field);
}
