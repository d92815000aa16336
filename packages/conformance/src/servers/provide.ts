/** `provideServer`: a server of one kind, from a URL, a container, or not at all. */
import { startServerContainer } from './container.js';
import { connectToGivenServer } from './given-server.js';
import { serverKindSpec } from './kinds.js';
import { connectToRuntime, imageExists } from './runtime.js';
import { readServerSettings, type ServerSettings } from './settings.js';
import type { ServerAvailability, ServerKind } from './types.js';

/**
 * Starts (or connects to) a server of this kind for tests.
 *
 * - `TOKENSTORE_KIND_URL` (KIND is MYSQL, REDIS or MONGODB) names a running server:
 *   no container is started, and the server is not managed.
 * - Otherwise a container is started through testcontainers from
 *   `TOKENSTORE_KIND_IMAGE`, or from the pinned official image (`DEFAULT_SERVER_IMAGES`),
 *   with a host port on 127.0.0.1 that stays the same across restarts.
 * - `TOKENSTORE_OFFLINE=1` never pulls an image: a missing one fails with its name.
 * - Without a container runtime (or testcontainers) and without a URL, it resolves
 *   to `{ available: false, reason }`, except under `CI=true`, where it throws.
 *
 * Resolves once the server replies to a real ping. Rejects when the server cannot be
 * started or does not reply.
 */
export async function provideServer(kind: ServerKind): Promise<ServerAvailability> {
  const spec = serverKindSpec(kind);
  const settings = readServerSettings(spec);

  if (settings.url !== undefined) {
    return {
      available: true,
      server: await connectToGivenServer(spec, { ...settings, url: settings.url }),
    };
  }

  const runtime = await connectToRuntime();
  if ('reason' in runtime) {
    return unavailable(
      settings,
      `no ${kind} server: ${runtime.reason}; start Docker or set ${settings.urlVariable} to a running server`,
    );
  }

  if (settings.offline) {
    await checkOfflineImages(settings, (image) =>
      imageExists(runtime.testcontainers, runtime.client, image),
    );
  }

  const server = await startServerContainer(spec, settings, runtime.testcontainers, runtime.client);
  return { available: true, server };
}

function unavailable(settings: ServerSettings, reason: string): ServerAvailability {
  if (settings.ci) {
    throw new Error(`${reason} (CI=true, so a server that cannot be provided fails the run)`);
  }
  return { available: false, reason };
}

async function checkOfflineImages(
  settings: ServerSettings,
  exists: (image: string) => Promise<boolean>,
): Promise<void> {
  if (!settings.ryukDisabled) {
    throw new Error(
      'TOKENSTORE_OFFLINE=1 needs TESTCONTAINERS_RYUK_DISABLED=true: testcontainers would ' +
        'otherwise pull the image of its Ryuk clean-up container',
    );
  }
  if (!(await exists(settings.image))) {
    throw new Error(
      `the image ${settings.image} is not on this machine, and TOKENSTORE_OFFLINE=1 forbids ` +
        `pulling it: build it with tooling/images/build-images.sh, or name a local image in ` +
        `${settings.imageVariable}`,
    );
  }
}
