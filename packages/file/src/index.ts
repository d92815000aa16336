/**
 * `@tokenstore/file`: an OAuth token store in one local file, written atomically,
 * locked across processes, and readable by its owner only.
 */
export { createFileStore, type FileStoreOptions } from './file-store.js';
