/**
 * A test server given by URL (TOKENSTORE_KIND_URL): already running, not started
 * here, so nothing here may stop or remove it.
 */
import type { ServerKindSpec } from './kinds.js';
import { redactUrl, waitForServer } from './ping.js';
import type { ServerSettings } from './settings.js';
import type { ServerKind, TestServer } from './types.js';

/** How long a server given by URL has to reply before the tests give up, in milliseconds. */
const GIVEN_SERVER_TIMEOUT_MS = 15_000;

/** Pings the server that a URL variable names, and wraps it as an unmanaged `TestServer`. */
export async function connectToGivenServer(
  spec: ServerKindSpec,
  settings: ServerSettings & { url: string },
): Promise<TestServer> {
  let identity: string;
  try {
    identity = await waitForServer(spec.kind, settings.url, GIVEN_SERVER_TIMEOUT_MS);
  } catch (error) {
    throw new Error(
      `${settings.urlVariable} names ${redactUrl(settings.url)}, which did not reply: ` +
        `start that server or unset ${settings.urlVariable} to let the tests start a container`,
      { cause: error },
    );
  }
  return new GivenServer(
    spec.kind,
    settings.url,
    `${identity} (given by ${settings.urlVariable})`,
    settings.urlVariable,
  );
}

class GivenServer implements TestServer {
  readonly managed = false;

  constructor(
    readonly kind: ServerKind,
    readonly url: string,
    readonly description: string,
    private readonly urlVariable: string,
  ) {}

  restart(): Promise<void> {
    return this.reject('restart');
  }

  stop(): Promise<void> {
    return this.reject('stop');
  }

  start(): Promise<void> {
    return this.reject('start');
  }

  pause(): Promise<void> {
    return this.reject('pause');
  }

  unpause(): Promise<void> {
    return this.reject('unpause');
  }

  async close(): Promise<void> {
    // Not started here, so not removed here.
  }

  private reject(action: string): Promise<never> {
    return Promise.reject(
      new Error(
        `cannot ${action} the ${this.kind} server given by ${this.urlVariable}: only a server ` +
          `in a container started by the tests can be controlled; unset ${this.urlVariable} to get one`,
      ),
    );
  }
}
