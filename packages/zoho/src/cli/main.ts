/** The entry point of the `tokenstore-zoho` command (bin/tokenstore-zoho.js imports it). */
import { runCommand } from './run.js';

process.exitCode = await runCommand(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
});
