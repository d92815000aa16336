/**
 * The demo's authorization server, for other packages' tests that need a real OAuth
 * server on 127.0.0.1.
 */
export {
  startAuthorizationServer,
  type AuthorizationServer,
  type AuthorizationServerOptions,
} from './http.js';
export type { GrantUser, RegisteredClient } from './model.js';
