/**
 * Starts a server container through testcontainers on a host port chosen up front
 * and published on 127.0.0.1 only, so that the server's URL survives stop, start and
 * restart (testcontainers' own random port mapping may change at a restart).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';

import type { ContainerRuntimeClient, WaitStrategy } from 'testcontainers';

import { ContainerServer, checkLoopbackBinding, type DockerContainer } from './container-server.js';
import type { ServerKindSpec } from './kinds.js';
import { ownerLabels } from './leftovers.js';
import { DEFAULT_READY_TIMEOUT_MS, waitForServer } from './ping.js';
import { messageOf, type Testcontainers } from './runtime.js';
import type { ServerSettings } from './settings.js';
import type { TestServer } from './types.js';

/** The label that marks the containers of one start attempt, for clean-up after a failure. */
const ATTEMPT_LABEL = 'org.tokenstore.test.attempt';

/** How often a start is tried again when another process took the chosen port first. */
const PORT_ATTEMPTS = 3;

/** Starts a container of the given kind and resolves once the server in it replies. */
export async function startServerContainer(
  spec: ServerKindSpec,
  settings: ServerSettings,
  testcontainers: Testcontainers,
  client: ContainerRuntimeClient,
): Promise<TestServer> {
  for (let attempt = 1; ; attempt += 1) {
    const hostPort = await findFreePort();
    try {
      return await startOnPort(spec, settings, testcontainers, client, hostPort);
    } catch (error) {
      // Between closing the probe socket and Docker binding the port, another
      // process may have taken it.
      const portTaken = /port is already allocated|address already in use/i.test(messageOf(error));
      if (!portTaken || attempt >= PORT_ATTEMPTS) {
        throw new Error(
          `starting a ${spec.kind} server from the image ${settings.image} failed: ${messageOf(error)}`,
          { cause: error },
        );
      }
    }
  }
}

async function startOnPort(
  spec: ServerKindSpec,
  settings: ServerSettings,
  testcontainers: Testcontainers,
  client: ContainerRuntimeClient,
  hostPort: number,
): Promise<TestServer> {
  const prepared = spec.prepare();
  const url = prepared.url(hostPort);
  const readiness = new PingWaitStrategy(spec, url);
  const attemptId = randomUUID();

  const container = new (loopbackContainerClass(testcontainers))(settings.image)
    .withPublishedLoopbackPort(spec.containerPort, hostPort)
    .withLabels({ ...ownerLabels(), [ATTEMPT_LABEL]: attemptId })
    .withEnvironment(prepared.environment)
    .withWaitStrategy(readiness);
  if (prepared.command !== undefined) {
    container.withCommand(prepared.command);
  }

  let started;
  try {
    started = await container.start();
  } catch (error) {
    // testcontainers removes a container that never became ready, but not one that
    // failed to start (a taken port, a bad command).
    await removeAttempt(client, attemptId);
    throw error;
  }

  const dockerContainer: DockerContainer = client.container.getById(started.getId());
  try {
    checkLoopbackBinding(await dockerContainer.inspect(), spec.containerPort, hostPort);
  } catch (error) {
    await dockerContainer.remove({ force: true, v: true });
    throw error;
  }

  const identity = readiness.identity ?? spec.kind;
  return new ContainerServer({
    kind: spec.kind,
    url,
    description: `${identity} (image ${settings.image})`,
    container: dockerContainer,
    containerPort: spec.containerPort,
    hostPort,
  });
}

/**
 * Defines, once testcontainers is loaded, a GenericContainer that publishes a port on
 * 127.0.0.1 explicitly: `withExposedPorts` leaves the host address to the engine,
 * whose default is every interface.
 */
function loopbackContainerClass(testcontainers: Testcontainers) {
  return class LoopbackContainer extends testcontainers.GenericContainer {
    withPublishedLoopbackPort(containerPort: number, hostPort: number): this {
      this.withExposedPorts({ container: containerPort, host: hostPort });
      this.hostConfig.PortBindings = {
        ...this.hostConfig.PortBindings,
        [`${containerPort}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }],
      };
      return this;
    }
  };
}

/** Readiness for testcontainers' start(): a real ping with the kind's driver. */
class PingWaitStrategy implements WaitStrategy {
  /** Product and version from the server's reply, once it replied. */
  identity: string | undefined;
  private timeoutMs = DEFAULT_READY_TIMEOUT_MS;
  private timeoutSet = false;

  constructor(
    private readonly spec: ServerKindSpec,
    private readonly url: string,
  ) {}

  async waitUntilReady(container: Parameters<WaitStrategy['waitUntilReady']>[0]): Promise<void> {
    try {
      this.identity = await waitForServer(this.spec.kind, this.url, this.timeoutMs);
    } catch (error) {
      const log = await lastLogLines(container);
      throw new Error(`${messageOf(error)}\nthe container's last log lines:\n${log}`, {
        cause: error,
      });
    }
  }

  withStartupTimeout(startupTimeoutMs: number): this {
    this.timeoutMs = startupTimeoutMs;
    this.timeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }

  getStartupTimeout(): number {
    return this.timeoutMs;
  }
}

/** Returns the last lines of a container's output, for a failure message. */
async function lastLogLines(container: DockerContainer): Promise<string> {
  try {
    const output = await container.logs({ stdout: true, stderr: true, tail: 20, follow: false });
    return demultiplex(Buffer.from(output as unknown as Uint8Array));
  } catch (error) {
    return `(the log could not be read: ${messageOf(error)})`;
  }
}

/**
 * Joins the frames of Docker's multiplexed log format (an 8-byte header per frame:
 * the stream, 3 zero bytes, the payload's length) into plain text.
 */
function demultiplex(output: Buffer): string {
  let text = '';
  let offset = 0;
  while (offset + 8 <= output.length) {
    const length = output.readUInt32BE(offset + 4);
    text += output.subarray(offset + 8, offset + 8 + length).toString('utf8');
    offset += 8 + length;
  }
  return text;
}

async function removeAttempt(client: ContainerRuntimeClient, attemptId: string): Promise<void> {
  const { dockerode } = client.container;
  const containers = await dockerode.listContainers({
    all: true,
    filters: { label: [`${ATTEMPT_LABEL}=${attemptId}`] },
  });
  for (const { Id } of containers) {
    await dockerode.getContainer(Id).remove({ force: true, v: true });
  }
}

/** Finds a TCP port on 127.0.0.1 that is free right now. */
function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('the probe socket has no TCP address'));
      });
    });
  });
}
