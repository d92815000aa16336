/** Reads the environment variables that steer where the test servers come from. */
import { DEFAULT_SERVER_IMAGES, type ServerKindSpec } from './kinds.js';

/** The source of one kind's server, read from the environment. */
export interface ServerSettings {
  /** A running server's URL (TOKENSTORE_KIND_URL): no container is started. */
  url: string | undefined;
  urlVariable: string;
  /** The image to start (TOKENSTORE_KIND_IMAGE, or the pinned official image). */
  image: string;
  imageVariable: string;
  /** TOKENSTORE_OFFLINE=1: no image may be pulled. */
  offline: boolean;
  /** CI=true: a server that cannot be provided fails the run instead of skipping. */
  ci: boolean;
  /** TESTCONTAINERS_RYUK_DISABLED=true: testcontainers starts no Ryuk container. */
  ryukDisabled: boolean;
}

/** Reads the settings of one kind of server from an environment. */
export function readServerSettings(
  spec: ServerKindSpec,
  environment: NodeJS.ProcessEnv = process.env,
): ServerSettings {
  const urlVariable = `TOKENSTORE_${spec.variablePrefix}_URL`;
  const imageVariable = `TOKENSTORE_${spec.variablePrefix}_IMAGE`;

  return {
    url: nonEmpty(environment[urlVariable]),
    urlVariable,
    image: nonEmpty(environment[imageVariable]) ?? DEFAULT_SERVER_IMAGES[spec.kind],
    imageVariable,
    offline: isTrue(environment.TOKENSTORE_OFFLINE),
    ci: isTrue(environment.CI),
    ryukDisabled: environment.TESTCONTAINERS_RYUK_DISABLED === 'true',
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function isTrue(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}
