/**
 * The settings that differ between kinds of server: the default image, the port, the
 * environment and command the official image expects, the URL, and the names of the
 * variables that override them. Everything else runs through one code path.
 */
import { randomBytes } from 'node:crypto';

import type { ServerKind } from './types.js';

/**
 * The official image each kind runs on by default, pinned here and nowhere else.
 * `TOKENSTORE_MYSQL_IMAGE`, `TOKENSTORE_REDIS_IMAGE` and `TOKENSTORE_MONGODB_IMAGE`
 * name another image with the same environment contract.
 */
export const DEFAULT_SERVER_IMAGES: Readonly<Record<ServerKind, string>> = {
  mysql: 'mysql:8.4',
  redis: 'redis:7.4',
  mongodb: 'mongo:7.0',
};

/** The database that the MySQL server's URL names; it exists when the server is provided. */
export const MYSQL_DATABASE = 'tokenstore';

/** The container and connection settings of one kind of server. */
export interface ServerKindSpec {
  kind: ServerKind;
  /** The KIND in TOKENSTORE_KIND_URL and TOKENSTORE_KIND_IMAGE. */
  variablePrefix: string;
  /** The port the server listens on inside the container. */
  containerPort: number;
  /** Creates the container's environment and command, and the URL for a host port. */
  prepare(): PreparedContainer;
}

/** The container settings of one server, and its URL once a host port is chosen. */
export interface PreparedContainer {
  environment: Record<string, string>;
  /** The container command, when the image's default is not the one wanted. */
  command?: string[];
  url(hostPort: number): string;
}

const specs: Readonly<Record<ServerKind, ServerKindSpec>> = {
  mysql: {
    kind: 'mysql',
    variablePrefix: 'MYSQL',
    containerPort: 3306,
    prepare() {
      // Hex keeps the password free of characters that a URL would need to escape.
      const password = randomBytes(16).toString('hex');
      return {
        environment: { MYSQL_ROOT_PASSWORD: password, MYSQL_DATABASE },
        url: (port) => `mysql://root:${password}@127.0.0.1:${port}/${MYSQL_DATABASE}`,
      };
    },
  },
  redis: {
    kind: 'redis',
    variablePrefix: 'REDIS',
    containerPort: 6379,
    prepare() {
      // AOF on, so that data written before a restart is there after it.
      return {
        environment: {},
        command: ['redis-server', '--appendonly', 'yes'],
        url: (port) => `redis://127.0.0.1:${port}`,
      };
    },
  },
  mongodb: {
    kind: 'mongodb',
    variablePrefix: 'MONGODB',
    containerPort: 27017,
    prepare() {
      return { environment: {}, url: (port) => `mongodb://127.0.0.1:${port}/` };
    },
  },
};

/** Returns the spec of a kind, and rejects a name that is not one. */
export function serverKindSpec(kind: ServerKind): ServerKindSpec {
  const spec = (specs as Partial<Record<string, ServerKindSpec>>)[kind];
  if (spec === undefined) {
    throw new Error(
      `unknown server kind ${JSON.stringify(kind)}: expected mysql, redis or mongodb`,
    );
  }
  return spec;
}
