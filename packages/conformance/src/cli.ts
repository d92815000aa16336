/**
 * The `tokenstore-conformance` command: runs the suite against the subject that a
 * module exports and prints one line per case, then `N passed, N failed`.
 */
import { loadSubject, UsageError } from './cli/load-subject.js';
import { runCases, type CaseResult } from './cli/run-cases.js';
import { conformanceCases, type ConformanceCase } from './suite.js';

const USAGE = `Usage: tokenstore-conformance <module>

Runs the tokenstore conformance suite against the store that <module> exports.
<module> is a path to an ES module whose default export (or named export
"subject") is a ConformanceSubject: { name, capabilities, createTarget }.

Prints one line per case (pass, fail or skip), failure details on stderr, and
a closing line "N passed, N failed" (then ", N skipped" when cases were skipped).

Options:
  -h, --help  print this help and exit

Exit status: 0 when every case passed or was skipped, 1 when a case failed or
the module is invalid, 2 for a wrong command line.`;

// After the summary, handles that a store left open would keep the process alive.
const EXIT_GRACE_MS = 2000;

await main(process.argv.slice(2));

async function main(args: readonly string[]): Promise<void> {
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const [modulePath, ...extra] = args;
  if (modulePath === undefined || extra.length > 0 || modulePath.startsWith('-')) {
    process.stderr.write(
      `${args.length === 0 ? 'missing <module>' : `unexpected arguments: ${args.join(' ')}`}\n\n${USAGE}\n`,
    );
    process.exitCode = 2;
    return;
  }

  try {
    const subject = await loadSubject(modulePath);
    process.stdout.write(`tokenstore conformance: ${subject.name}\n`);
    const summary = await runCases(conformanceCases(subject), printResult);
    const skipped = summary.skipped > 0 ? `, ${summary.skipped} skipped` : '';
    process.stdout.write(`${summary.passed} passed, ${summary.failed} failed${skipped}\n`);
    process.exitCode = summary.failed > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`tokenstore-conformance: ${error.message}\n`);
    process.exitCode = 1;
    return;
  }

  setTimeout(() => {
    process.stderr.write(
      `tokenstore-conformance: the process was still busy ${EXIT_GRACE_MS} ms after the last case ` +
        '(a timed-out case, or a store that left a connection, timer or file handle open); exiting.\n',
    );
    process.exit();
  }, EXIT_GRACE_MS).unref();
}

function printResult(testCase: ConformanceCase, result: CaseResult): void {
  const title = `${testCase.group}: ${testCase.name}`;
  if (result.status === 'pass') {
    process.stdout.write(`pass  ${title}\n`);
  } else if (result.status === 'skip') {
    process.stdout.write(`skip  ${title} (${result.reason})\n`);
  } else {
    const [firstLine = '', ...details] = messageOf(result.error).split('\n');
    process.stdout.write(`fail  ${title}: ${firstLine}\n`);
    if (details.length > 0) {
      process.stderr.write(`${title}:\n${details.map((line) => `    ${line}`).join('\n')}\n`);
    }
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    return error.message === '' ? error.name : error.message;
  }
  return String(error);
}
