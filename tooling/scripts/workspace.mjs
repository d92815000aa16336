#!/usr/bin/env node
/**
 * The entry point behind `npm run demo` and `npm test`: it needs only Node.js and npm.
 * It installs the workspace with pnpm (the version pinned in package.json, through npx
 * when no matching pnpm is on the PATH), then runs the demo or the whole test suite
 * and prints one summary line for all packages.
 *
 *   node tooling/scripts/workspace.mjs demo [demo flags...]
 *   node tooling/scripts/workspace.mjs test
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pinnedPnpm = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager;
const [command, ...rest] = process.argv.slice(2);

const commands = { demo: runDemo, test: runTests };
if (!(command in commands)) {
  console.error('usage: node tooling/scripts/workspace.mjs demo|test [arguments...]');
  process.exit(2);
}
process.exit(commands[command](rest));

function runDemo(demoArguments) {
  install();
  pnpm(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
  return (
    spawnSync('node', [join(root, 'tooling/demo/dist/main.js'), ...demoArguments], {
      cwd: root,
      stdio: 'inherit',
    }).status ?? 1
  );
}

function runTests() {
  install();
  removeTestReports();
  // --continue runs every package's tests even when one fails, so the summary is
  // complete. --concurrency=1 runs one package at a time: the crash and multi-process
  // tests spawn many processes, and two such packages at once on a two-core machine
  // starved each other past their timeouts.
  const status = pnpm(['exec', 'turbo', 'run', 'test', '--continue', '--concurrency=1'], {
    check: false,
  });
  const summary = summarizeTestReports();
  console.log(
    `\n${summary.passed} passed, ${summary.failed} failed` +
      (summary.skipped > 0 ? `, ${summary.skipped} skipped` : ''),
  );
  return status === 0 && summary.failed === 0 && summary.passed > 0 ? 0 : 1;
}

function install() {
  const frozen = process.env.CI === 'true' ? ['--frozen-lockfile'] : [];
  pnpm(['install', '--prefer-offline', ...frozen]);
}

/**
 * Runs pnpm with the given arguments: the pinned version from the PATH when it is
 * there, otherwise through npx, which needs no global install.
 */
function pnpm(args, options = {}) {
  const pinnedVersion = pinnedPnpm.replace(/^pnpm@/, '');
  const onPath = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  const [file, prefix] =
    onPath.status === 0 && onPath.stdout.trim() === pinnedVersion
      ? ['pnpm', []]
      : ['npx', ['--yes', `pnpm@${pinnedVersion}`]];
  const result = spawnSync(file, [...prefix, ...args], { cwd: root, stdio: 'inherit' });
  if (options.check !== false && result.status !== 0) {
    console.error(`pnpm ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  return result.status ?? 1;
}

function packagesWithTests() {
  return ['packages', 'tooling']
    .flatMap((folder) =>
      readdirSync(join(root, folder), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(root, folder, entry.name)),
    )
    .filter((folder) => {
      const manifest = join(folder, 'package.json');
      return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test;
    });
}

function removeTestReports() {
  for (const folder of packagesWithTests()) {
    rmSync(join(folder, 'test-results.json'), { force: true });
  }
}

/**
 * Adds up the packages' vitest reports. A package that failed without a failed test
 * (a build error, no test file, a file that does not load) counts as one failure, so
 * the closing line never hides a red run.
 */
function summarizeTestReports() {
  const summary = { passed: 0, failed: 0, skipped: 0 };
  for (const folder of packagesWithTests()) {
    const path = join(folder, 'test-results.json');
    if (!existsSync(path)) {
      console.error(`No test report from ${folder}`);
      summary.failed += 1;
      continue;
    }
    const report = JSON.parse(readFileSync(path, 'utf8'));
    summary.passed += report.numPassedTests;
    // A test file that fails to load has no failed test, only a failed file: count it.
    const brokenFiles = report.testResults.filter(
      (file) =>
        file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
    );
    summary.failed += report.numFailedTests + brokenFiles.length;
    if (!report.success && report.numFailedTests + brokenFiles.length === 0) {
      console.error(`Tests of ${folder} did not succeed (see their output above)`);
      summary.failed += 1;
    }
    summary.skipped += report.numPendingTests + report.numTodoTests;
  }
  return summary;
}
