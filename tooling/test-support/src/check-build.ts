/**
 * The check that a package's tests run against a current build: tests that start
 * child processes, or run a command, import the built `dist`, not `src`.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Throws when the built file `entry` (relative to the package folder, such as
 * `dist/index.js`) is missing or older than any file under the package's `src`.
 * `packageFolder` is the package's folder as a `file:` URL or a path.
 */
export function checkBuild(packageFolder: URL | string, entry = 'dist/index.js'): void {
  const root = packageFolder instanceof URL ? fileURLToPath(packageFolder) : packageFolder;
  const sourceFolder = join(root, 'src');
  const sources = readdirSync(sourceFolder, { recursive: true, encoding: 'utf8' });
  const newestSource = Math.max(
    ...sources.map((name) => statSync(join(sourceFolder, name)).mtimeMs),
  );
  const built = statSync(join(root, entry), { throwIfNoEntry: false });
  if (built === undefined || built.mtimeMs < newestSource) {
    const { name } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      name: string;
    };
    throw new Error(
      `${entry} of ${name} is missing or older than its src: run pnpm --filter ${name} build first`,
    );
  }
}
