/**
 * vitest global setup: fails the run when `dist` is missing or older than `src`, since
 * the command's tests run bin/tokenstore-zoho.js, which imports the built package.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

export default function checkBuild(): void {
  const sourceFolder = join(packageRoot, 'src');
  const sources = readdirSync(sourceFolder, { recursive: true, encoding: 'utf8' });
  const newestSource = Math.max(
    ...sources.map((name) => statSync(join(sourceFolder, name)).mtimeMs),
  );
  const built = statSync(join(packageRoot, 'dist', 'cli', 'main.js'), { throwIfNoEntry: false });
  if (built === undefined || built.mtimeMs < newestSource) {
    throw new Error(
      'packages/zoho/dist is missing or older than src: run pnpm --filter @tokenstore/zoho build first',
    );
  }
}
