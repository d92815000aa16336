/** Reading requests and writing JSON and OAuth error responses for the demo server. */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

import OAuth2Server from '@node-oauth/oauth2-server';

const MAX_BODY_BYTES = 64 * 1024;
const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
const MULTIPART_CONTENT_TYPE = 'multipart/form-data';

/** A request body read as form fields, and whether it came as multipart form data. */
export interface FormBody {
  fields: Record<string, string>;
  multipart: boolean;
}

/**
 * Reads a request body of at most 64 KiB and parses it when it is form-encoded, or, when
 * `acceptMultipart` is set, multipart form data. Any other body gives no fields, so the
 * library rejects the request where it needs a form.
 */
export async function readFormBody(
  req: IncomingMessage,
  acceptMultipart = false,
): Promise<FormBody> {
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

  const contentType = req.headers['content-type'] ?? '';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase();
  if (mediaType === FORM_CONTENT_TYPE) {
    const fields = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    return { fields: Object.fromEntries(fields), multipart: false };
  }
  if (mediaType === MULTIPART_CONTENT_TYPE && acceptMultipart) {
    return { fields: await parseMultipart(Buffer.concat(chunks), contentType), multipart: true };
  }
  return { fields: {}, multipart: false };
}

// The fetch API's Response parses multipart bodies, so no parser of our own is needed.
async function parseMultipart(body: Buffer, contentType: string): Promise<Record<string, string>> {
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new OAuth2Server.InvalidRequestError('Invalid request: malformed multipart form data');
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of form) {
    if (typeof value === 'string') fields[name] = value;
  }
  return fields;
}

/**
 * Wraps a node:http request, its URL and its parsed body as the library's `Request`.
 * The library takes form fields only from an urlencoded body, as RFC 6749 requires, so a
 * multipart body is presented to it as the urlencoded form it was parsed into.
 */
export function toOAuthRequest(
  req: IncomingMessage,
  url: URL,
  body: FormBody,
): OAuth2Server.Request {
  const headers = { ...req.headers } as Record<string, string>;
  if (body.multipart) {
    headers['content-type'] = FORM_CONTENT_TYPE;
  }
  return new OAuth2Server.Request({
    method: req.method ?? 'GET',
    headers,
    query: Object.fromEntries(url.searchParams),
    body: body.fields,
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
