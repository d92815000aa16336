/**
 * Fails the run early when `dist` is missing or older than `src`, because the scripts
 * under test/fixtures run in child processes and import the built package.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

export default function checkBuild(): void {
  const built = statSync(join(packageRoot, 'dist', 'index.js'), { throwIfNoEntry: false });
  const sources = readdirSync(join(packageRoot, 'src'));
  const newestSource = Math.max(
    ...sources.map((name) => statSync(join(packageRoot, 'src', name)).mtimeMs),
  );
  if (built === undefined || built.mtimeMs < newestSource) {
    throw new Error(
      'packages/mongodb/dist is missing or older than src: run pnpm --filter @tokenstore/mongodb build first',
    );
  }
}
