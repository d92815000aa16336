/**
 * `@tokenstore/mongodb`: an OAuth token store on a MongoDB collection through the
 * official driver, one document per record, kept unique by the server's indexes.
 */
export { createMongoStore } from './store.js';
export { SUPPORTED_DRIVER_RANGE } from './driver.js';
export {
  DEFAULT_APP_NAME,
  DEFAULT_COLLECTION,
  DEFAULT_DATABASE,
  type MongoStoreOptions,
} from './options.js';
