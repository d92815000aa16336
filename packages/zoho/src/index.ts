/**
 * Any tokenstore store as the token store of the Zoho CRM TypeScript SDK
 * (`@zohocrm/typescript-sdk-8.0`). The import of Zoho's token files and tables is the
 * separate entry point `@tokenstore/zoho/import`, which needs no SDK.
 */
export { createZohoSdkStore, ZohoSdkStore } from './bridge/sdk-store.js';
