/**
 * Fails the run when `dist` is missing or older than `src`: the scripts under
 * test/fixtures run in child processes and import the built package.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

export default function checkBuild(): void {
  const built = statSync(join(packageRoot, 'dist', 'index.js'), { throwIfNoEntry: false });
  const newestSource = Math.max(
    ...readdirSync(join(packageRoot, 'src')).map(
      (name) => statSync(join(packageRoot, 'src', name)).mtimeMs,
    ),
  );
  if (built === undefined || built.mtimeMs < newestSource) {
    throw new Error(
      'packages/mysql/dist is missing or older than src: run pnpm --filter @tokenstore/mysql build first',
    );
  }
}
