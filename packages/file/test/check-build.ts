/**
 * Checks before the run that `dist/` is built from the current `src/`: the fixtures run
 * in child processes import the built package, so a stale build would test old code.
 */
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export default function checkBuild(): void {
  const packageRoot = fileURLToPath(new URL('..', import.meta.url));
  for (const name of readdirSync(`${packageRoot}src`)) {
    const built = `${packageRoot}dist/${name.replace(/\.ts$/, '.js')}`;
    const builtAt = statSync(built, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (builtAt < statSync(`${packageRoot}src/${name}`).mtimeMs) {
      throw new Error(
        `dist/ is missing or older than src/${name}: run "pnpm --filter @tokenstore/file build" first`,
      );
    }
  }
}
