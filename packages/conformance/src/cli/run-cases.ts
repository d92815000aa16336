/**
 * Runs the cases one after another without a test runner, each within its timeout,
 * and reports each result as it ends.
 */
import { setImmediate as nextMacrotask } from 'node:timers/promises';

import type { ConformanceCase } from '../suite.js';

/** The result of one case. */
export type CaseResult =
  { status: 'pass' } | { status: 'fail'; error: unknown } | { status: 'skip'; reason: string };

/** The number of cases per status after a run. */
export interface RunSummary {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Runs `cases` in order, calling `onResult` after each, and returns the counts. A case
 * that does not settle within its `timeoutMs` fails, and its work may go on in the
 * background. An unhandled promise rejection while a case runs fails that case,
 * instead of ending the process.
 */
export async function runCases(
  cases: readonly ConformanceCase[],
  onResult: (testCase: ConformanceCase, result: CaseResult) => void,
): Promise<RunSummary> {
  const summary: RunSummary = { passed: 0, failed: 0, skipped: 0 };
  const unhandled: unknown[] = [];
  const collect = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', collect);

  try {
    for (const testCase of cases) {
      const result = await runCase(testCase);
      // Node reports an unhandled rejection only after the microtask queue drains.
      await nextMacrotask();
      const reasons = unhandled.splice(0);
      const final =
        result.status === 'pass' && reasons.length > 0 ? unhandledFailure(reasons) : result;

      if (final.status === 'pass') summary.passed += 1;
      else if (final.status === 'fail') summary.failed += 1;
      else summary.skipped += 1;
      onResult(testCase, final);
    }
  } finally {
    process.off('unhandledRejection', collect);
  }
  return summary;
}

function unhandledFailure(reasons: readonly unknown[]): CaseResult {
  const [first] = reasons;
  const detail = first instanceof Error ? `${first.name}: ${first.message}` : String(first);
  const error = new Error(`${reasons.length} promise rejection(s) went unhandled: ${detail}`, {
    cause: first,
  });
  return { status: 'fail', error };
}

async function runCase(testCase: ConformanceCase): Promise<CaseResult> {
  if (testCase.skipReason !== undefined) {
    return { status: 'skip', reason: testCase.skipReason };
  }

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${testCase.timeoutMs} ms`)),
      testCase.timeoutMs,
    );
  });
  try {
    await Promise.race([testCase.run(), timeout]);
    return { status: 'pass' };
  } catch (error) {
    return { status: 'fail', error };
  } finally {
    clearTimeout(timer);
  }
}
