/**
 * A test server that runs in a container this process started: stop, start, restart
 * and pause go straight to the engine, and every start ends with a real ping, since a
 * log line may date from the first start.
 */
import type { ContainerRuntimeClient } from 'testcontainers';

import { redactUrl, waitForServer } from './ping.js';
import type { ServerKind, TestServer } from './types.js';

/** dockerode's handle on one container. */
export type DockerContainer = ReturnType<ContainerRuntimeClient['container']['getById']>;
type ContainerInspection = Awaited<ReturnType<DockerContainer['inspect']>>;

/** How long `docker stop` lets the server shut down cleanly before it kills it, in seconds. */
const STOP_GRACE_SECONDS = 10;

/** The parts of a `ContainerServer`. */
export interface ContainerServerParts {
  kind: ServerKind;
  url: string;
  description: string;
  container: DockerContainer;
  containerPort: number;
  hostPort: number;
}

/** A `TestServer` in a container that this process started and owns. */
export class ContainerServer implements TestServer {
  readonly kind: ServerKind;
  readonly url: string;
  readonly description: string;
  readonly managed = true;
  private readonly parts: ContainerServerParts;
  private closed = false;

  constructor(parts: ContainerServerParts) {
    this.kind = parts.kind;
    this.url = parts.url;
    this.description = parts.description;
    this.parts = parts;
  }

  async stop(): Promise<void> {
    this.checkOpen('stop');
    await ignoreNotModified(this.parts.container.stop({ t: STOP_GRACE_SECONDS }));
  }

  async start(): Promise<void> {
    this.checkOpen('start');
    await ignoreNotModified(this.parts.container.start());
    await this.waitUntilBack();
  }

  async restart(): Promise<void> {
    this.checkOpen('restart');
    await this.parts.container.restart({ t: STOP_GRACE_SECONDS });
    await this.waitUntilBack();
  }

  async pause(): Promise<void> {
    this.checkOpen('pause');
    await this.parts.container.pause();
  }

  async unpause(): Promise<void> {
    this.checkOpen('unpause');
    await this.parts.container.unpause();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.parts.container.remove({ force: true, v: true });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }

  /** Checks that the address did not change, then waits for a real reply. */
  private async waitUntilBack(): Promise<void> {
    checkLoopbackBinding(
      await this.parts.container.inspect(),
      this.parts.containerPort,
      this.parts.hostPort,
    );
    await waitForServer(this.kind, this.url);
  }

  private checkOpen(action: string): void {
    if (this.closed) {
      throw new Error(
        `cannot ${action} the ${this.kind} server at ${redactUrl(this.url)}: it was closed`,
      );
    }
  }
}

/**
 * Checks that the container's port is published on 127.0.0.1 at the expected host
 * port, and only there. A different address would make a test talk to the wrong
 * place, so it is reported as an invalid test setup, not as a store failure.
 */
export function checkLoopbackBinding(
  inspection: ContainerInspection,
  containerPort: number,
  hostPort: number,
): void {
  const bindings = inspection.NetworkSettings.Ports[`${containerPort}/tcp`] ?? [];
  const expected = `127.0.0.1:${hostPort}`;
  const actual = bindings.map((binding) => `${binding.HostIp}:${binding.HostPort}`);

  if (actual.length === 0 || actual.some((address) => address !== expected)) {
    throw new Error(
      `invalid test setup: container port ${containerPort} is published on ` +
        `${actual.join(', ') || 'no address'} instead of ${expected} only`,
    );
  }
}

/** Treats Docker's 304 (already started, already stopped) as success. */
async function ignoreNotModified(operation: Promise<unknown>): Promise<void> {
  try {
    await operation;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 304) throw error;
  }
}
