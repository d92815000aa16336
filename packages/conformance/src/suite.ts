/**
 * The suite: every case of every group, bound to one subject, either as a list of
 * runnable cases or registered with a test runner.
 */
import { closeCases } from './cases/close.js';
import { conflictCases } from './cases/conflict.js';
import { hostileCases } from './cases/hostile.js';
import { lifecycleCases } from './cases/lifecycle.js';
import { lookupCases } from './cases/lookup.js';
import { precedenceCases } from './cases/precedence.js';
import { recordCases } from './cases/records.js';
import { roundtripCases } from './cases/roundtrip.js';
import { storageCases } from './cases/storage.js';
import { storedFormCases } from './cases/stored-form.js';
import { upsertCases } from './cases/upsert.js';
import { validationCases } from './cases/validation.js';
import { runInContext, skipReasonOf, type CaseGroup } from './context.js';
import type { ConformanceSubject, TestRunner } from './types.js';

/** The time one case may take when the subject sets none, in milliseconds. */
export const DEFAULT_CASE_TIMEOUT_MS = 20_000;

const CASE_GROUPS: readonly CaseGroup[] = [
  lookupCases,
  precedenceCases,
  upsertCases,
  conflictCases,
  validationCases,
  roundtripCases,
  hostileCases,
  recordCases,
  lifecycleCases,
  closeCases,
  storageCases,
  storedFormCases,
];

/** One case of the suite, bound to a subject. */
export interface ConformanceCase {
  /** The group, such as `lookup` or `close`. */
  group: string;
  /** The behaviour the case checks, such as `keeps one record when fifty saves race for one user`. */
  name: string;
  /** Time in milliseconds the case may take, setup and cleanup included. */
  timeoutMs: number;
  /**
   * The reason the case does not apply to the subject (it needs a capability the
   * subject lacks), or `undefined` when it applies.
   */
  skipReason: string | undefined;
  /**
   * Runs the case on a new target and resolves when it passed, or rejects with the
   * failed assertion. Rejects at once for a skipped case. The caller enforces `timeoutMs`.
   */
  run(): Promise<void>;
}

/** Returns every case of the suite for `subject`, skipped ones included, in suite order. */
export function conformanceCases(subject: ConformanceSubject): ConformanceCase[] {
  const baseTimeoutMs = subject.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
  return CASE_GROUPS.flatMap((group) =>
    group.cases.map((definition): ConformanceCase => {
      const skipReason = skipReasonOf(definition, subject.capabilities);
      return {
        group: group.name,
        name: definition.name,
        timeoutMs: baseTimeoutMs + (definition.waitMs ?? 0),
        skipReason,
        run:
          skipReason === undefined
            ? () => runInContext(subject, definition.run)
            : () => Promise.reject(new Error(`${definition.name}: skipped because ${skipReason}`)),
      };
    }),
  );
}

/**
 * Registers every case of the suite for `subject` with a test runner: one `describe`
 * for the subject, one per group, and one `it` per case with its timeout. A case that
 * needs a capability the subject lacks goes to `it.skip` with the reason in its name,
 * or is left out when the runner has no `it.skip`.
 *
 * Under vitest: `runConformanceSuite({ describe, it }, subject)`.
 */
export function runConformanceSuite(runner: TestRunner, subject: ConformanceSubject): void {
  const cases = conformanceCases(subject);
  const groups = [...new Set(cases.map((testCase) => testCase.group))];

  runner.describe(`tokenstore conformance: ${subject.name}`, () => {
    for (const group of groups) {
      runner.describe(group, () => {
        for (const testCase of cases.filter((candidate) => candidate.group === group)) {
          if (testCase.skipReason === undefined) {
            runner.it(testCase.name, testCase.run, testCase.timeoutMs);
          } else {
            runner.it.skip?.(`${testCase.name} (skipped: ${testCase.skipReason})`, testCase.run);
          }
        }
      });
    }
  });
}
