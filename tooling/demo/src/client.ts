/**
 * The OAuth 2.0 client side of the demo: the HTTP calls an application makes to the
 * authorization server (authorize, token, revoke) and to the resource server (userinfo).
 */
import { createHash, randomBytes } from 'node:crypto';

/** The server's address and the client's registration. */
export interface OAuthClientConfig {
  /** The server's origin, such as `http://127.0.0.1:38123`. */
  serverUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** How long one HTTP request may take, in milliseconds. @default 5000 */
  timeoutMs?: number;
}

/** The fields of a successful token response (RFC 6749 5.1) that the demo keeps. */
export interface TokenResponse {
  accessToken: string;
  refreshToken?: string;
  /** `expires_in`: seconds from the response until the access token expires. */
  expiresInSeconds?: number;
}

/** The resource server's response to a request with a bearer token. */
export interface UserInfoResponse {
  status: number;
  /** The `sub` of a 200 response: the user the token acts for. */
  userName?: string;
  /** The OAuth error code of a refusal, such as `invalid_token`. */
  error?: string;
  errorDescription?: string;
}

/** An OAuth error response (RFC 6749 5.2) from the authorization server. */
export class OAuthResponseError extends Error {
  override readonly name = 'OAuthResponseError';

  constructor(
    readonly status: number,
    readonly error: string,
    readonly errorDescription: string | undefined,
  ) {
    super(
      `HTTP ${status} ${error}${errorDescription === undefined ? '' : `: ${errorDescription}`}`,
    );
  }
}

/** A client application registered at one authorization server. */
export class OAuthClient {
  readonly #config: OAuthClientConfig;

  constructor(config: OAuthClientConfig) {
    this.#config = config;
  }

  /**
   * Sends the authorization request for `userName` (as `login_hint`) with a state and
   * an S256 PKCE challenge, and returns the code from the redirect without following it.
   */
  async authorize(userName: string): Promise<{ code: string; codeVerifier: string }> {
    const state = randomBytes(16).toString('hex');
    const codeVerifier = randomBytes(32).toString('base64url');
    const url = new URL('/authorize', this.#config.serverUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.#config.clientId,
      redirect_uri: this.#config.redirectUri,
      state,
      code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
      login_hint: userName,
    }).toString();

    const response = await fetch(url, { redirect: 'manual', signal: this.#signal() });
    const location = response.headers.get('location');
    if (response.status !== 302 || location === null) {
      throw await errorOf(response);
    }

    const redirect = new URL(location);
    const error = redirect.searchParams.get('error');
    if (error !== null) {
      throw new OAuthResponseError(
        302,
        error,
        redirect.searchParams.get('error_description') ?? undefined,
      );
    }
    if (redirect.searchParams.get('state') !== state) {
      throw new Error('the redirect does not carry the state of the authorization request');
    }
    const code = redirect.searchParams.get('code');
    if (code === null) {
      throw new Error('the redirect carries no authorization code');
    }
    return { code, codeVerifier };
  }

  /** Exchanges an authorization code for tokens at /token. */
  exchangeCode(code: string, codeVerifier: string): Promise<TokenResponse> {
    return this.#requestToken({
      grant_type: 'authorization_code',
      code,
      code_verifier: codeVerifier,
      redirect_uri: this.#config.redirectUri,
    });
  }

  /** Gets a new access token, and on this server a new refresh token, at /token. */
  refresh(refreshToken: string): Promise<TokenResponse> {
    return this.#requestToken({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** Revokes a token at /revoke (RFC 7009). */
  async revoke(token: string, tokenTypeHint: 'access_token' | 'refresh_token'): Promise<void> {
    const response = await this.#postForm('/revoke', { token, token_type_hint: tokenTypeHint });
    if (response.status !== 200) {
      throw await errorOf(response);
    }
  }

  /** Calls the protected resource GET /userinfo with the access token as a bearer token. */
  async userInfo(accessToken: string): Promise<UserInfoResponse> {
    const response = await fetch(new URL('/userinfo', this.#config.serverUrl), {
      headers: { authorization: `Bearer ${accessToken}` },
      signal: this.#signal(),
    });
    const body = (await response.json()) as Record<string, unknown>;
    return {
      status: response.status,
      ...(typeof body['sub'] === 'string' && { userName: body['sub'] }),
      ...(typeof body['error'] === 'string' && { error: body['error'] }),
      ...(typeof body['error_description'] === 'string' && {
        errorDescription: body['error_description'],
      }),
    };
  }

  async #requestToken(form: Record<string, string>): Promise<TokenResponse> {
    const response = await this.#postForm('/token', form);
    if (response.status !== 200) {
      throw await errorOf(response);
    }

    const body = (await response.json()) as Record<string, unknown>;
    const { access_token: accessToken, refresh_token: refreshToken, expires_in: expiresIn } = body;
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new Error('the token response carries no access_token');
    }
    return {
      accessToken,
      ...(typeof refreshToken === 'string' && { refreshToken }),
      ...(typeof expiresIn === 'number' && { expiresInSeconds: expiresIn }),
    };
  }

  // Client authentication with HTTP Basic (RFC 6749 2.3.1). The demo's credentials hold
  // only unreserved characters, so their form-encoding is the value itself.
  #postForm(path: string, form: Record<string, string>): Promise<Response> {
    const { clientId, clientSecret } = this.#config;
    return fetch(new URL(path, this.#config.serverUrl), {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(form).toString(),
      signal: this.#signal(),
    });
  }

  #signal(): AbortSignal {
    return AbortSignal.timeout(this.#config.timeoutMs ?? 5000);
  }
}

async function errorOf(response: Response): Promise<OAuthResponseError> {
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  const error = typeof body['error'] === 'string' ? body['error'] : 'unexpected_response';
  const description =
    typeof body['error_description'] === 'string' ? body['error_description'] : undefined;
  return new OAuthResponseError(response.status, error, description);
}
