/**
 * Loads the module named on the command line and checks that it exports a
 * `ConformanceSubject`. When it does not, the error message names the problem.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { ConformanceSubject } from '../types.js';

/** An invalid command line or module: its message is printed as is. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Imports `modulePath` (relative to the working directory) and returns its default
 * export, or its named export `subject`, after checking its shape.
 *
 * @throws UsageError when the module cannot be loaded or exports no valid subject.
 */
export async function loadSubject(modulePath: string): Promise<ConformanceSubject> {
  const url = pathToFileURL(resolve(modulePath)).href;
  let exports: Record<string, unknown>;
  try {
    exports = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`cannot load ${modulePath}: ${reason}`, { cause: error });
  }

  const subject = exports.default ?? exports.subject;
  if (subject === undefined) {
    throw new UsageError(
      `${modulePath} exports no subject: expected a default export or a named export "subject"`,
    );
  }
  checkSubject(subject, modulePath);
  return subject;
}

function checkSubject(subject: unknown, modulePath: string): asserts subject is ConformanceSubject {
  const invalid = (problem: string): UsageError =>
    new UsageError(`the subject exported by ${modulePath} is invalid: ${problem}`);

  if (typeof subject !== 'object' || subject === null) {
    throw invalid(`expected an object, got ${subject === null ? 'null' : typeof subject}`);
  }
  const { name, capabilities, createTarget, timeoutMs } = subject as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') {
    throw invalid('"name" must be a non-empty string');
  }
  if (typeof createTarget !== 'function') {
    throw invalid('"createTarget" must be a function that returns a target');
  }
  if (typeof capabilities !== 'object' || capabilities === null) {
    throw invalid('"capabilities" must be an object with "durable" and "sharedInstances"');
  }
  const { durable, sharedInstances, rawRead } = capabilities as Record<string, unknown>;
  if (typeof durable !== 'boolean' || typeof sharedInstances !== 'boolean') {
    throw invalid('"capabilities.durable" and "capabilities.sharedInstances" must be booleans');
  }
  if (rawRead !== undefined && typeof rawRead !== 'boolean') {
    throw invalid('"capabilities.rawRead" must be a boolean when given');
  }
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
    throw invalid('"timeoutMs" must be a positive number of milliseconds when given');
  }
}
