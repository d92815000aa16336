/**
 * A small OAuth 2.0 authorization server and resource server on 127.0.0.1, built with
 * @node-oauth/oauth2-server over node:http: GET /authorize (authorization code with
 * optional PKCE), POST /token (authorization_code and refresh_token grants, the
 * refresh token rotated on every use), POST /revoke (RFC 7009), GET /userinfo (a
 * protected resource that takes a bearer token) and any further protected resources
 * the caller adds. With `dialect: 'zoho'` it also speaks as Zoho's accounts server does,
 * so that the Zoho CRM SDKs can be pointed at it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import OAuth2Server from '@node-oauth/oauth2-server';

import {
  createServerModel,
  registerClient,
  type AuthorizationServerModel,
  type GrantUser,
  type RegisteredClient,
} from './model.js';
import { readFormBody, sendJson, sendOAuthError, toOAuthRequest } from './messages.js';
import { handleRevocation } from './revocation.js';

/** Options of `startAuthorizationServer`. */
export interface AuthorizationServerOptions {
  /** The users that the server approves at /authorize, by user name. */
  userNames: readonly string[];
  /**
   * How long an access token is valid, in whole seconds. At least 2: the server
   * library rounds `expires_in` down, and omits it when that gives 0. @default 2
   */
  accessTokenLifetimeSeconds?: number;
  /**
   * The protocol variant. `'zoho'` makes the server behave as Zoho's accounts server
   * where the Zoho CRM SDKs rely on it. Token requests may come as multipart form data,
   * and token responses carry `api_domain` (this server's own origin, so that API calls
   * come back here). Protected resources take the `Zoho-oauthtoken` authorization scheme
   * besides `Bearer`.
   * @default 'oauth'
   */
  dialect?: 'oauth' | 'zoho';
  /**
   * Further protected resources that return JSON, by path (matched without the query).
   * A `GET` with a valid access token receives what the function returns for the token's user.
   * @default {}
   */
  resources?: Readonly<Record<string, (user: GrantUser, url: URL) => unknown>>;
}

/** A running authorization server. */
export interface AuthorizationServer {
  /** The server's origin, such as `http://127.0.0.1:38123`. */
  url: string;
  /** The client registered at start, with the credentials it uses at /token and /revoke. */
  client: RegisteredClient;
  accessTokenLifetimeSeconds: number;
  /** Returns every code, access token and refresh token the server issued so far. */
  issuedValues(): string[];
  /** Stops listening and closes every open connection. */
  close(): Promise<void>;
}

const DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS = 2;
const REFRESH_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

/** Starts the server on 127.0.0.1 at a random free port. */
export async function startAuthorizationServer(
  options: AuthorizationServerOptions,
): Promise<AuthorizationServer> {
  const accessTokenLifetimeSeconds =
    options.accessTokenLifetimeSeconds ?? DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS;
  if (!Number.isInteger(accessTokenLifetimeSeconds) || accessTokenLifetimeSeconds < 2) {
    throw new RangeError(
      `accessTokenLifetimeSeconds must be a whole number of seconds, at least 2; got ${accessTokenLifetimeSeconds}`,
    );
  }

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = registerClient(`${url}/callback`);
  const model = createServerModel(client);
  const oauth = new OAuth2Server({
    model,
    accessTokenLifetime: accessTokenLifetimeSeconds,
    refreshTokenLifetime: REFRESH_TOKEN_LIFETIME_SECONDS,
    alwaysIssueNewRefreshToken: true,
    authenticateHandler: loginHintApprover(new Set(options.userNames)),
  });
  const settings: RouteSettings = {
    origin: url,
    zoho: options.dialect === 'zoho',
    resources: options.resources ?? {},
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    route(oauth, model, settings, req, res).catch((error: unknown) => sendOAuthError(res, error));
  });

  return {
    url,
    client,
    accessTokenLifetimeSeconds,
    issuedValues: () => model.issuedValues(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}

interface RouteSettings {
  origin: string;
  zoho: boolean;
  resources: NonNullable<AuthorizationServerOptions['resources']>;
}

// Zoho's APIs take the access token as `Authorization: Zoho-oauthtoken <token>`.
const ZOHO_SCHEME = /^Zoho-oauthtoken /i;

async function route(
  oauth: OAuth2Server,
  model: AuthorizationServerModel,
  settings: RouteSettings,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', settings.origin);
  const body = await readFormBody(req, settings.zoho);
  const request = toOAuthRequest(req, url, body);
  if (settings.zoho) {
    const authorization = request.get('authorization');
    if (typeof authorization === 'string' && ZOHO_SCHEME.test(authorization)) {
      request.headers!['authorization'] = authorization.replace(ZOHO_SCHEME, 'Bearer ');
    }
  }
  const response = new OAuth2Server.Response();
  const resource = req.method === 'GET' ? settings.resources[url.pathname] : undefined;

  try {
    switch (`${req.method} ${url.pathname}`) {
      case 'GET /authorize':
        await oauth.authorize(request, response);
        return sendRedirect(res, response);
      case 'POST /token':
        await oauth.token(request, response);
        return sendJson(
          res,
          response.status ?? 200,
          settings.zoho ? { ...response.body, api_domain: settings.origin } : response.body,
          response.headers,
        );
      case 'POST /revoke':
        return await handleRevocation(model, request, res);
      case 'GET /userinfo': {
        const token = await oauth.authenticate(request, response);
        return sendJson(res, 200, { sub: (token.user as GrantUser).userName });
      }
      default: {
        if (resource !== undefined) {
          const token = await oauth.authenticate(request, response);
          return sendJson(res, 200, resource(token.user as GrantUser, url));
        }
        return sendJson(res, 404, {
          error: 'not_found',
          error_description: `no route for ${req.method} ${url.pathname}`,
        });
      }
    }
  } catch (error) {
    if (response.status === 302) {
      // The library turned the error into a redirect to the client with ?error=...
      return sendRedirect(res, response);
    }
    return sendOAuthError(res, error, response.headers);
  }
}

function sendRedirect(res: ServerResponse, response: OAuth2Server.Response): void {
  res.writeHead(302, { location: response.get('location') as string, 'cache-control': 'no-store' });
  res.end();
}

/**
 * Builds the `authenticateHandler` of /authorize. This local server has no login page:
 * it approves the user named in the request's `login_hint` parameter, if that user is
 * one of its users. A real server authenticates the user here, with a login form or a
 * session cookie.
 */
function loginHintApprover(userNames: ReadonlySet<string>): {
  handle(request: OAuth2Server.Request): GrantUser;
} {
  return {
    handle(request) {
      const userName: unknown = request.query?.['login_hint'];
      if (typeof userName !== 'string' || !userNames.has(userName)) {
        throw new OAuth2Server.AccessDeniedError(
          'Access denied: login_hint names no user of this server',
        );
      }
      return { userName };
    },
  };
}
