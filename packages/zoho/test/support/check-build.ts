/**
 * vitest global setup: fails the run when `dist` is missing or older than `src`, because
 * the command's tests run bin/tokenstore-zoho.js, which imports the built package.
 */
import { checkBuild } from '@tokenstore/test-support';

export default function checkPackageBuild(): void {
  checkBuild(new URL('../..', import.meta.url), 'dist/cli/main.js');
}
