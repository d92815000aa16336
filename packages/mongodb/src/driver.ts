/**
 * Loads the mongodb driver on first use and checks its version against the range this
 * store was built for. A major version can change a result shape (driver 6 made
 * `findOneAndUpdate` return the document instead of a `{ value }` wrapper), so an
 * unsupported driver fails with an error instead of misreading results.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { TokenStoreError } from '@tokenstore/core';
import type * as MongoDriver from 'mongodb';

/** The driver module. */
export type Driver = typeof MongoDriver;

/** The driver versions this store supports: the `mongodb` peer dependency range. */
export const SUPPORTED_DRIVER_RANGE = '^7.9.1';

// The lowest supported version and the major version that all supported versions share.
const MIN_SUPPORTED = { major: 7, minor: 9, patch: 1 };

const requireFromHere = createRequire(import.meta.url);
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
    (minor > MIN_SUPPORTED.minor || (minor === MIN_SUPPORTED.minor && patch >= MIN_SUPPORTED.patch));
  if (!supported) {
    throw new TokenStoreError(
      'BACKEND',
      `the installed mongodb driver ${version} is not supported: ` +
        `install a version in the range ${SUPPORTED_DRIVER_RANGE} (npm install mongodb@${SUPPORTED_DRIVER_RANGE})`,
    );
  }
}

async function importDriver(): Promise<Driver> {
  checkDriverVersion(installedVersion());
  return import('mongodb');
}

function installedVersion(): string {
  try {
    return String(readPackageJson().version);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'MODULE_NOT_FOUND') {
      throw new TokenStoreError(
        'BACKEND',
        `the mongodb driver is not installed: install it with npm install mongodb@${SUPPORTED_DRIVER_RANGE}`,
        { cause: error },
      );
    }
    throw new TokenStoreError('BACKEND', 'cannot read the version of the mongodb driver', {
      cause: error,
    });
  }
}

// mongodb 7 has no `exports` map, so its package.json can be required directly. A later
// version that adds one without `./package.json` is found from its main file instead.
function readPackageJson(): { version?: unknown } {
  try {
    return requireFromHere('mongodb/package.json') as { version?: unknown };
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
      throw error;
    }
  }
  let folder = dirname(requireFromHere.resolve('mongodb'));
  while (dirname(folder) !== folder) {
    const candidate = join(folder, 'package.json');
    if (existsSync(candidate)) {
      const json = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown };
      if (json.name === 'mongodb') return json as { version?: unknown };
    }
    folder = dirname(folder);
  }
  throw new Error('no package.json named mongodb above the driver\'s main file');
}
