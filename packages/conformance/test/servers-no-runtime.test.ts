/**
 * A machine without a container runtime and without a URL: the server is reported
 * unavailable with the reason, except under CI=true, where that is an error. The
 * child process runs in its own mount namespace with an empty /run, so it finds no
 * Docker socket; that needs root and `unshare`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { provideServerInChild } from './support/servers-child.js';

const hideSockets = [
  'unshare',
  '--mount',
  'sh',
  '-c',
  // /var/run is usually a link to /run; where it is a folder of its own, hide it too.
  'mount -t tmpfs tmpfs /run && { [ -L /var/run ] || mount -t tmpfs tmpfs /var/run; } && exec "$@"',
  'hide-sockets',
];
const cannotHide = reasonSocketsCannotBeHidden();

describe.skipIf(cannotHide !== undefined)(
  `test servers without a container runtime${cannotHide === undefined ? '' : ` (skipped: ${cannotHide})`}`,
  () => {
    let home: string;

    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'tokenstore-no-runtime-'));
    });

    afterAll(() => rm(home, { recursive: true, force: true }));

    it('reports the server unavailable', async () => {
      const run = await provideServerInChild('mongodb', {
        environment: { PATH: process.env.PATH, HOME: home },
        prefix: hideSockets,
      });
      await run.kill();

      expect(run.outcome.available).toBe(false);
      expect(run.outcome.reason).toContain('no container runtime responded');
      expect(run.outcome.reason).toContain('TOKENSTORE_MONGODB_URL');
    });

    it('fails under CI=true', async () => {
      const run = await provideServerInChild('mongodb', {
        environment: { PATH: process.env.PATH, HOME: home, CI: 'true' },
        prefix: hideSockets,
      });
      await run.kill();

      expect(run.outcome.available).toBeUndefined();
      expect(run.outcome.error).toContain('no container runtime responded');
      expect(run.outcome.error).toContain('CI=true');
    });
  },
);

function reasonSocketsCannotBeHidden(): string | undefined {
  if (process.getuid?.() !== 0) {
    return 'hiding the Docker socket needs root';
  }
  try {
    execFileSync(hideSockets[0] as string, [...hideSockets.slice(1), 'true'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'unshare --mount is not available or not permitted here';
  }
}
