/**
 * The built package installed in a folder of its own, next to a driver it does not
 * support or without one. The first call must fail with BACKEND and name what to install.
 */
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it, onTestFinished } from 'vitest';

import { SUPPORTED_DRIVER_RANGE } from '../src/index.js';
import { startFixture } from './child-process.js';

const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CORE_ROOT = fileURLToPath(new URL('../../core', import.meta.url));
// Nothing listens on port 1; the calls below fail before they connect anywhere.
const UNUSED_URL = 'mongodb://127.0.0.1:1/';

interface CallOutcome {
  resolved?: boolean;
  code?: string;
  message?: string;
}

describe('driver installs', () => {
  it('rejects driver 6 on the first call', async () => {
    const storeModule = await installPackage({ driverVersion: '6.21.0' });

    const outcome = await firstCall(storeModule);

    expect(outcome.code).toBe('BACKEND');
    expect(outcome.message).toContain('6.21.0');
    expect(outcome.message).toContain(SUPPORTED_DRIVER_RANGE);
  });

  it('rejects driver 8 on the first call', async () => {
    const storeModule = await installPackage({ driverVersion: '8.0.0' });

    const outcome = await firstCall(storeModule);

    expect(outcome.code).toBe('BACKEND');
    expect(outcome.message).toContain('8.0.0');
  });

  it('names the install command without a driver', async () => {
    const storeModule = await installPackage({ driverVersion: undefined });

    const outcome = await firstCall(storeModule);

    expect(outcome.code).toBe('BACKEND');
    expect(outcome.message).toContain(`npm install mongodb@${SUPPORTED_DRIVER_RANGE}`);
  });
});

/**
 * Lays out node_modules in a new folder: a copy of the built package, the core, and a
 * stand-in driver of `driverVersion` whose code throws if it is ever loaded. Returns
 * the path of the package's entry module.
 */
async function installPackage(options: { driverVersion: string | undefined }): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'tokenstore-mongodb-install-'));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  const modules = join(root, 'node_modules');
  const installed = join(modules, '@tokenstore', 'mongodb');

  await mkdir(installed, { recursive: true });
  await cp(join(PACKAGE_ROOT, 'package.json'), join(installed, 'package.json'));
  await cp(join(PACKAGE_ROOT, 'dist'), join(installed, 'dist'), { recursive: true });
  await symlink(CORE_ROOT, join(modules, '@tokenstore', 'core'), 'dir');

  if (options.driverVersion !== undefined) {
    const driver = join(modules, 'mongodb');
    await mkdir(driver);
    const manifest = { name: 'mongodb', version: options.driverVersion, main: 'index.js' };
    await writeFile(join(driver, 'package.json'), JSON.stringify(manifest));
    await writeFile(
      join(driver, 'index.js'),
      "throw new Error('the store loaded a driver that it should have rejected');\n",
    );
  }
  return join(installed, 'dist', 'index.js');
}

async function firstCall(storeModule: string): Promise<CallOutcome> {
  const fixture = startFixture('first-call.mjs', [storeModule, UNUSED_URL]);
  const outcome = JSON.parse(await fixture.nextLine()) as CallOutcome;
  expect(await fixture.exited).toBe(0);
  return outcome;
}
