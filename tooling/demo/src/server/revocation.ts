/**
 * The token revocation endpoint (RFC 7009): the client authenticates, names a token,
 * and the server revokes it. The server library has no such endpoint, so this one
 * works on the server's model directly.
 */
import type { ServerResponse } from 'node:http';

import OAuth2Server from '@node-oauth/oauth2-server';

import type { AuthorizationServerModel } from './model.js';
import { sendJson } from './messages.js';

/**
 * Handles `POST /revoke` with a form body holding `token` (and an optional
 * `token_type_hint`, which is not needed to find the token). The client authenticates
 * with HTTP Basic or with `client_id` and `client_secret` in the body.
 *
 * Responds with 200 when the token was revoked and also when it is unknown, as RFC 7009
 * section 2.2 requires. Bad client credentials get 401 `invalid_client`, and a token
 * issued to another client gets 400 `invalid_grant`.
 */
export async function handleRevocation(
  model: AuthorizationServerModel,
  request: OAuth2Server.Request,
  res: ServerResponse,
): Promise<void> {
  if (!request.is(['application/x-www-form-urlencoded'])) {
    throw new OAuth2Server.InvalidRequestError(
      'Invalid request: content must be application/x-www-form-urlencoded',
    );
  }

  const credentials = clientCredentialsOf(request);
  const client =
    credentials === undefined
      ? null
      : await model.getClient(credentials.clientId, credentials.clientSecret);
  if (!client) {
    sendJson(
      res,
      401,
      { error: 'invalid_client', error_description: 'Invalid client: client is invalid' },
      { 'www-authenticate': 'Basic realm="Service"' },
    );
    return;
  }

  const token: unknown = request.body?.token;
  if (typeof token !== 'string' || token === '') {
    throw new OAuth2Server.InvalidRequestError('Missing parameter: `token`');
  }

  if (model.revoke(token, client.id) === 'issued-to-another-client') {
    throw new OAuth2Server.InvalidGrantError('Invalid grant: token was issued to another client');
  }
  sendJson(res, 200, {});
}

interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

function clientCredentialsOf(request: OAuth2Server.Request): ClientCredentials | undefined {
  const header: unknown = request.get('authorization');
  if (typeof header === 'string' && /^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice('basic '.length).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
  }

  const { client_id: clientId, client_secret: clientSecret } = (request.body ?? {}) as Record<
    string,
    unknown
  >;
  if (typeof clientId === 'string' && typeof clientSecret === 'string' && clientSecret !== '') {
    return { clientId, clientSecret };
  }
  return undefined;
}
