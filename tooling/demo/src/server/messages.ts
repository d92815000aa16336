/** Reading requests and writing JSON and OAuth error responses for the demo server. */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

import OAuth2Server from '@node-oauth/oauth2-server';

const MAX_BODY_BYTES = 64 * 1024;
const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/**
 * Reads a request body of at most 64 KiB and parses it when it is form-encoded. Any other
 * body gives `{}`, so the library rejects the request where it needs a form.
 */
export async function readFormBody(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new OAuth2Server.InvalidRequestError(
        `Invalid request: body larger than ${MAX_BODY_BYTES} bytes`,
      );
    }
    chunks.push(chunk);
  }

  const contentType = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== FORM_CONTENT_TYPE) {
    return {};
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

/** Wraps a node:http request, its URL and its parsed body as the library's `Request`. */
export function toOAuthRequest(
  req: IncomingMessage,
  url: URL,
  body: Record<string, string>,
): OAuth2Server.Request {
  return new OAuth2Server.Request({
    method: req.method ?? 'GET',
    headers: req.headers as Record<string, string>,
    query: Object.fromEntries(url.searchParams),
    body,
  });
}

/** Sends `body` as JSON. Responses of this server are never cached. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(JSON.stringify(body ?? {}));
}

/**
 * Sends an OAuth error response (`error` and `error_description`, RFC 6749 5.2) with the
 * error's HTTP status. Any other error is a bug of this server and becomes a 500
 * `server_error` with the error's message, because the server has no log to write it to.
 */
export function sendOAuthError(
  res: ServerResponse,
  error: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof OAuth2Server.OAuthError) {
    sendJson(res, error.code, { error: error.name, error_description: error.message }, headers);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  sendJson(res, 500, {
    error: 'server_error',
    error_description: `internal server error: ${message}`,
  });
}
