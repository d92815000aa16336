/**
 * Loading better-sqlite3: importing the package never loads it, and a missing driver
 * or a native binding that cannot be loaded fails the first call with BACKEND and the
 * command that fixes it. Each case runs a copy of the built package in a child process
 * over its own node_modules folder.
 */
import { cpSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { temporaryFolder } from './helpers.js';
import { nextJson, startFixture } from './fixture-process.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const requireHere = createRequire(import.meta.url);
const driverRoot = realpathSync(dirname(requireHere.resolve('better-sqlite3/package.json')));
const bindingsRoot = dirname(
  createRequire(join(driverRoot, 'package.json')).resolve('bindings/package.json'),
);
const coreRoot = realpathSync(join(packageRoot, 'node_modules', '@tokenstore', 'core'));

type DriverState = 'missing' | 'without binding' | 'with a broken binding';

interface ImportOutcome {
  imported: boolean;
  driverLoaded: boolean;
}

interface SaveOutcome {
  saved: boolean;
  code?: string;
  message?: string;
}

/** Lays out a copy of the built package with its own node_modules; returns its entry file. */
function installCopy(driver: DriverState): string {
  const root = temporaryFolder();
  const modules = join(root, 'node_modules');
  mkdirSync(join(modules, '@tokenstore'), { recursive: true });
  symlinkSync(coreRoot, join(modules, '@tokenstore', 'core'));

  if (driver !== 'missing') {
    const copy = join(modules, 'better-sqlite3');
    cpSync(join(driverRoot, 'lib'), join(copy, 'lib'), { recursive: true });
    cpSync(join(driverRoot, 'package.json'), join(copy, 'package.json'));
    symlinkSync(bindingsRoot, join(modules, 'bindings'));
    if (driver === 'with a broken binding') {
      // Not an ELF file: dlopen fails the way it does for a binding built for another platform.
      mkdirSync(join(copy, 'build', 'Release'), { recursive: true });
      writeFileSync(join(copy, 'build', 'Release', 'better_sqlite3.node'), 'not a shared library');
    }
  }

  const copiedPackage = join(root, 'sqlite');
  cpSync(join(packageRoot, 'dist'), join(copiedPackage, 'dist'), { recursive: true });
  writeFileSync(join(copiedPackage, 'package.json'), JSON.stringify({ type: 'module' }));
  return join(copiedPackage, 'dist', 'index.js');
}

async function probe(entry: string): Promise<{ imported: ImportOutcome; save: SaveOutcome }> {
  const path = join(temporaryFolder(), 'tokens.db');
  // pnpm puts its hoisted node_modules on NODE_PATH, which would let the copy find the driver.
  const env = { ...process.env };
  delete env.NODE_PATH;
  const child = startFixture('import-probe.mjs', [entry, path], { env });
  const imported = await nextJson<ImportOutcome>(child);
  const save = await nextJson<SaveOutcome>(child);
  return { imported, save };
}

describe('better-sqlite3 loading', () => {
  it('waits for the first call', async () => {
    const { imported, save } = await probe(join(packageRoot, 'dist', 'index.js'));

    expect(imported).toEqual({ imported: true, driverLoaded: false });
    expect(save).toEqual({ saved: true });
  });

  it('reports a missing driver with the install command', async () => {
    const { imported, save } = await probe(installCopy('missing'));

    expect(imported.imported).toBe(true);
    expect(save.code).toBe('BACKEND');
    expect(save.message).toContain('npm install better-sqlite3');
  });

  it.each(['without binding', 'with a broken binding'] as const)(
    'reports a driver %s with the rebuild command',
    async (driver) => {
      const { imported, save } = await probe(installCopy(driver));

      expect(imported.imported).toBe(true);
      expect(save.code).toBe('BACKEND');
      expect(save.message).toContain(
        'rebuild better-sqlite3 for this Node version: npm rebuild better-sqlite3',
      );
    },
  );
});
