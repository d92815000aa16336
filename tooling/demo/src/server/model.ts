/**
 * The authorization server's own records, kept in memory for the life of the server:
 * its one registered client, the authorization codes and the tokens it issued. This is
 * the server's side of OAuth, not a tokenstore store; the demo keeps the client's side
 * of the same tokens in a tokenstore store.
 */
import { randomBytes, randomUUID } from 'node:crypto';

import type OAuth2Server from '@node-oauth/oauth2-server';

/** The client application registered at the server, with its credentials. */
export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  /** The one redirect URI the server accepts for this client. */
  redirectUri: string;
}

/**
 * The user object that the server library passes from the authorization code to the
 * tokens. `grantId` ties every token of one grant together, so that revoking a refresh
 * token also revokes the access tokens issued under the same grant, as RFC 7009 describes.
 */
export interface GrantUser {
  userName: string;
  grantId?: string;
}

/** The result of revoking a token value. */
export type RevocationOutcome = 'revoked' | 'unknown' | 'issued-to-another-client';

/** The model the server library calls, plus what the revocation endpoint and tests need. */
export interface AuthorizationServerModel
  extends OAuth2Server.AuthorizationCodeModel, OAuth2Server.RefreshTokenModel {
  /** Revokes a refresh token with its whole grant, or an access token alone. */
  revoke(value: string, clientId: string): RevocationOutcome;
  /** Returns every code, access token and refresh token the server ever issued. */
  issuedValues(): string[];
}

interface IssuedToken extends OAuth2Server.Token {
  user: GrantUser & { grantId: string };
}

const CLIENT_GRANTS = ['authorization_code', 'refresh_token'];

/**
 * Registers a client with random credentials. The id and secret use only unreserved
 * characters, so that sending them in an HTTP Basic header needs no form-encoding.
 */
export function registerClient(redirectUri: string): RegisteredClient {
  return {
    clientId: `demo-client-${randomUUID()}`,
    clientSecret: randomBytes(24).toString('hex'),
    redirectUri,
  };
}

/** Creates an empty in-memory model for one registered client. */
export function createServerModel(registered: RegisteredClient): AuthorizationServerModel {
  const client: OAuth2Server.Client = {
    id: registered.clientId,
    grants: CLIENT_GRANTS,
    redirectUris: [registered.redirectUri],
  };
  const codes = new Map<string, OAuth2Server.AuthorizationCode>();
  const accessTokens = new Map<string, IssuedToken>();
  const refreshTokens = new Map<string, IssuedToken>();
  const issued = new Set<string>();

  function revokeGrant(grantId: string): void {
    for (const tokens of [accessTokens, refreshTokens]) {
      for (const [value, token] of tokens) {
        if (token.user.grantId === grantId) tokens.delete(value);
      }
    }
  }

  return {
    async getClient(clientId, clientSecret) {
      if (clientId !== registered.clientId) return null;
      // The authorize request carries no secret, so the library passes null there.
      if (clientSecret !== null && clientSecret !== registered.clientSecret) return null;
      return client;
    },

    async saveAuthorizationCode(code, _client, user) {
      const saved: OAuth2Server.AuthorizationCode = { ...code, client, user };
      codes.set(code.authorizationCode, saved);
      issued.add(code.authorizationCode);
      return saved;
    },

    async getAuthorizationCode(authorizationCode) {
      return codes.get(authorizationCode) ?? null;
    },

    async revokeAuthorizationCode(code) {
      return codes.delete(code.authorizationCode);
    },

    async saveToken(token, _client, user) {
      // A code exchange starts a new grant; a refresh passes on the user of the grant it refreshes.
      const grantUser = user as GrantUser;
      const saved: IssuedToken = {
        ...token,
        client,
        user: { userName: grantUser.userName, grantId: grantUser.grantId ?? randomUUID() },
      };
      accessTokens.set(saved.accessToken, saved);
      issued.add(saved.accessToken);
      if (saved.refreshToken !== undefined) {
        refreshTokens.set(saved.refreshToken, saved);
        issued.add(saved.refreshToken);
      }
      return saved;
    },

    async getAccessToken(accessToken) {
      return accessTokens.get(accessToken) ?? null;
    },

    async getRefreshToken(refreshToken) {
      const token = refreshTokens.get(refreshToken);
      if (token?.refreshToken === undefined) return null;
      return { ...token, refreshToken: token.refreshToken };
    },

    // Called by the refresh_token grant: rotation revokes the refresh token that was
    // used. The access token issued with it stays valid until it expires.
    async revokeToken(token) {
      return refreshTokens.delete(token.refreshToken);
    },

    // RFC 7009 lets the server ignore token_type_hint, and values are random, so both
    // maps are searched.
    revoke(value, clientId) {
      const token = refreshTokens.get(value) ?? accessTokens.get(value);
      if (token === undefined) return 'unknown';
      if (token.client.id !== clientId) return 'issued-to-another-client';

      if (refreshTokens.has(value)) {
        revokeGrant(token.user.grantId);
      } else {
        accessTokens.delete(value);
      }
      return 'revoked';
    },

    issuedValues() {
      return [...issued];
    },
  };
}
