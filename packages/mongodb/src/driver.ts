/**
 * Loads the mongodb driver on first use and checks its version against the range this
 * store was built for. A major version can change a result shape (driver 6 made
 * `findOneAndUpdate` return the document instead of a `{ value }` wrapper), so an
 * unsupported driver fails with an error instead of misreading results.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { TokenStoreError } from '@tokenstore/core';
import type * as MongoDriver from 'mongodb';

/** The driver module. */
export type Driver = typeof MongoDriver;

/** The driver versions this store supports: the `mongodb` peer dependency range. */
export const SUPPORTED_DRIVER_RANGE = '^7.9.1';

// The lowest supported version and the major version that all supported versions share.
const MIN_SUPPORTED = { major: 7, minor: 9, patch: 1 };

let loadedDriver: Promise<Driver> | undefined;

/**
 * Loads the mongodb driver that this package resolves, once per process.
 *
 * @throws TokenStoreError `BACKEND` when the driver is not installed or its version is
 *   outside `SUPPORTED_DRIVER_RANGE`, naming the installed version and the range.
 */
export function loadDriver(): Promise<Driver> {
  loadedDriver ??= importDriver().catch((error: unknown) => {
    loadedDriver = undefined;
    throw error;
  });
  return loadedDriver;
}

/**
 * Checks a driver version against `SUPPORTED_DRIVER_RANGE`.
 *
 * @throws TokenStoreError `BACKEND` naming the version and the supported range.
 */
export function checkDriverVersion(version: string): void {
  const parts = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  const [major, minor, patch] = (parts?.slice(1) ?? []).map(Number);
  const supported =
    major === MIN_SUPPORTED.major &&
    minor !== undefined &&
    patch !== undefined &&
    (minor > MIN_SUPPORTED.minor ||
      (minor === MIN_SUPPORTED.minor && patch >= MIN_SUPPORTED.patch));
  if (!supported) {
    throw new TokenStoreError(
      'BACKEND',
      `the installed mongodb driver ${version} is not supported: ` +
        `install a version in the range ${SUPPORTED_DRIVER_RANGE} (npm install mongodb@${SUPPORTED_DRIVER_RANGE})`,
    );
  }
}

async function importDriver(): Promise<Driver> {
  const entry = resolveDriver();
  checkDriverVersion(driverVersion(entry));
  return (await import(entry)) as Driver;
}

// The driver is found the way `import('mongodb')` finds it. A lookup through `require`
// could find another copy, because CommonJS also searches NODE_PATH and ESM does not.
function resolveDriver(): string {
  try {
    return import.meta.resolve('mongodb');
  } catch (error) {
    throw new TokenStoreError(
      'BACKEND',
      `the mongodb driver is not installed: install it with npm install mongodb@${SUPPORTED_DRIVER_RANGE}`,
      { cause: error },
    );
  }
}

// Reads the version from the nearest package.json above the driver's entry module
// whose name is mongodb. The package's `exports` map may not export its package.json.
function driverVersion(entry: string): string {
  let folder = dirname(fileURLToPath(entry));
  while (dirname(folder) !== folder) {
    const candidate = join(folder, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (manifest.name === 'mongodb') {
        return String(manifest.version);
      }
    }
    folder = dirname(folder);
  }
  throw new TokenStoreError('BACKEND', 'cannot find the package.json of the mongodb driver');
}
