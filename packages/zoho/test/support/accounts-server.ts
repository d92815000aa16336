/**
 * A real OAuth server on 127.0.0.1 that responds to the Zoho CRM SDK as Zoho's accounts
 * server and CRM API would. It has the token endpoint (multipart requests, `api_domain`
 * in the responses), and `GET /crm/v8/users?type=CurrentUser` and `GET /crm/v8/org`,
 * which the SDK calls for a new token to name its user `<email>:<organization zgid>`.
 */
import { randomBytes } from 'node:crypto';

import { startAuthorizationServer, type AuthorizationServer } from '@tokenstore/demo/server';

/** The server, with a way to obtain grant tokens (authorization codes) for its users. */
export interface AccountsServer {
  server: AuthorizationServer;
  /** The token endpoint, which the SDK's `Environment` takes as its accounts URL. */
  tokenUrl: string;
  /** Runs the authorization step for `userName` and returns the code: the SDK's grant token. */
  grantToken(userName: string): Promise<string>;
  /** The number of CurrentUser lookups the server has served. */
  userLookups(): number;
}

/** The organization id (`zgid`) the server reports; the SDK appends it to user names. */
export const ORGANIZATION_ID = '7000000000001';

/** Returns the user name that the SDK gives a token of the user with this email address. */
export function sdkUserName(email: string): string {
  return `${email}:${ORGANIZATION_ID}`;
}

/** Starts the server for the given users. */
export async function startAccountsServer(userNames: readonly string[]): Promise<AccountsServer> {
  let lookups = 0;
  const server = await startAuthorizationServer({
    userNames,
    accessTokenLifetimeSeconds: 3600,
    dialect: 'zoho',
    resources: {
      '/crm/v8/users': (user, url) => {
        lookups += 1;
        if (url.searchParams.get('type') !== 'CurrentUser') {
          return { users: [] };
        }
        return { users: [{ id: '1000000000001', email: user.userName }] };
      },
      '/crm/v8/org': () => ({ org: [{ id: '1000000000002', zgid: ORGANIZATION_ID }] }),
    },
  });

  async function grantToken(userName: string): Promise<string> {
    const state = randomBytes(8).toString('hex');
    const url = new URL('/authorize', server.url);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: server.client.clientId,
      redirect_uri: server.client.redirectUri,
      state,
      login_hint: userName,
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    const code = new URL(response.headers.get('location') ?? '', server.url).searchParams.get(
      'code',
    );
    if (response.status !== 302 || code === null) {
      throw new Error(`the authorization step gave no code (status ${response.status})`);
    }
    return code;
  }

  return {
    server,
    tokenUrl: `${server.url}/token`,
    grantToken,
    userLookups: () => lookups,
  };
}
