/**
 * `@tokenstore/redis`: an OAuth token store on Redis through ioredis, with every key
 * of a store in one Redis Cluster hash slot.
 */
export { createRedisStore } from './store.js';
export { DEFAULT_PREFIX, DEFAULT_URL, type RedisStoreOptions } from './options.js';
