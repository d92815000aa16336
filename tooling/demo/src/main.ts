#!/usr/bin/env node
/**
 * The `pnpm demo` command: parses the arguments, runs the demo with its output on
 * stdout, and exits with 0 when every step passed, 1 when one failed, 2 on invalid
 * arguments.
 */
import { USAGE, parseArguments } from './arguments.js';
import { runDemo } from './demo.js';

const parsed = parseArguments(process.argv.slice(2));

if (parsed.action === 'help') {
  console.log(USAGE);
} else if (parsed.action === 'invalid') {
  console.error(`tokenstore demo: ${parsed.message}\n\n${USAGE}`);
  process.exitCode = 2;
} else {
  try {
    const result = await runDemo({ ...parsed.options, output: (line) => console.log(line) });
    process.exitCode = result.passed ? 0 : 1;
  } catch (error) {
    // Only the setup outside the steps gets here, such as a --dir that cannot be created.
    console.error(`tokenstore demo failed: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
