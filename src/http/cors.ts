/**
 * CORS for browser apps, as Graph offers it: the allowed origins are a setting (none by default); a preflight
 * is answered without a token; every response to an allowed origin names it and exposes the headers a Graph
 * client reads (`request-id`, `client-request-id`, `ETag`, `Location`, `Preference-Applied`, …). Tokens are
 * bearer tokens, never cookies, so credentials are not allowed.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { AllowedOrigins } from '../config';

/** What a script may read of a response, besides the CORS-safelisted headers. */
export const EXPOSED_HEADERS = [
  'request-id',
  'client-request-id',
  'ETag',
  'Location',
  'Preference-Applied',
  'Retry-After',
  'WWW-Authenticate',
  'OData-Version',
] as const;

const ALLOWED_METHODS = ['GET', 'POST', 'PATCH', 'DELETE'];

/** How long a browser may keep a preflight's answer (seconds). */
const PREFLIGHT_MAX_AGE = 600;

function allows(allowed: AllowedOrigins, origin: string): boolean {
  return allowed.any || allowed.origins.has(origin.toLowerCase());
}

/** The headers a response to `request` carries for its origin (undefined when it has none, or one not allowed). */
export function corsHeaders(allowed: AllowedOrigins, request: HttpRequest): Record<string, string> | undefined {
  const origin = request.headers.get('origin');
  if (origin === null || !allows(allowed, origin)) return undefined;
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': EXPOSED_HEADERS.join(', '),
    Vary: 'Origin',
  };
}

/** Whether `request` is a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method). */
export function isPreflight(request: HttpRequest): boolean {
  return (
    request.method === 'OPTIONS' &&
    request.headers.get('origin') !== null &&
    request.headers.get('access-control-request-method') !== null
  );
}

/**
 * The answer to a preflight: 204 with what the origin may send (any request header: they are the app's own
 * business, and no cookie ever authenticates), or undefined when the origin or method is not allowed (the
 * caller answers 403).
 */
export function preflightResponse(allowed: AllowedOrigins, request: HttpRequest): HttpResponseInit | undefined {
  const origin = request.headers.get('origin') ?? '';
  const method = (request.headers.get('access-control-request-method') ?? '').toUpperCase();
  if (!allows(allowed, origin) || !ALLOWED_METHODS.includes(method)) return undefined;
  const requestedHeaders = request.headers.get('access-control-request-headers');
  return {
    status: 204,
    headers: {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Methods': ALLOWED_METHODS.join(', '),
      ...(requestedHeaders === null ? {} : { 'Access-Control-Allow-Headers': requestedHeaders }),
      'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE),
      Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    },
  };
}
