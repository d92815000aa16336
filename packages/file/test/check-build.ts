/**
 * vitest global setup: fails the run when `dist` is missing or older than `src`, because
 * the scripts under test/fixtures run in child processes and import the built package.
 */
import { checkBuild } from '@tokenstore/test-support';

export default function checkPackageBuild(): void {
  checkBuild(new URL('..', import.meta.url));
}
