/**
 * Runs the cases one after another without a test runner, each within its timeout,
 * and reports each result as it ends.
 */
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
 * that does not settle within its `timeoutMs` fails, and its work may go on in the background.
 */
export async function runCases(
  cases: readonly ConformanceCase[],
  onResult: (testCase: ConformanceCase, result: CaseResult) => void,
): Promise<RunSummary> {
  const summary: RunSummary = { passed: 0, failed: 0, skipped: 0 };
  for (const testCase of cases) {
    const result = await runCase(testCase);
    if (result.status === 'pass') summary.passed += 1;
    else if (result.status === 'fail') summary.failed += 1;
    else summary.skipped += 1;
    onResult(testCase, result);
  }
  return summary;
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
