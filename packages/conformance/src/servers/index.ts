/**
 * Database servers for store tests: `provideServer` starts a MySQL, Redis or MongoDB
 * server in a container through testcontainers (or uses one given by URL) and waits
 * until it replies to a real ping. testcontainers and the drivers it pings with
 * (mysql2, ioredis, mongodb) are optional peer dependencies, loaded only here.
 */
export { provideServer } from './provide.js';
export { removeLeftoverContainers, TEST_CONTAINER_LABEL } from './leftovers.js';
export { DEFAULT_SERVER_IMAGES, MYSQL_DATABASE } from './kinds.js';
export type { ServerAvailability, ServerKind, TestServer } from './types.js';
