/**
 * Response bodies and headers as Graph writes them: the one error envelope (contract §5), JSON with
 * `OData-Version`, and the correlation headers every response carries (§4).
 */
import type { HttpResponseInit } from '@azure/functions';
import type { ServiceError } from '../errors';

export const JSON_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** Correlation for one request: a new `request-id` and the client's `client-request-id` (or the same). */
export interface Correlation {
  readonly requestId: string;
  readonly clientRequestId: string;
}

const CLIENT_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** Echoes a well-formed `client-request-id`; anything else (or none) is replaced by the request-id. */
export function correlate(requestId: string, clientRequestId: string | null): Correlation {
  return {
    requestId,
    clientRequestId: clientRequestId !== null && CLIENT_REQUEST_ID.test(clientRequestId) ? clientRequestId : requestId,
  };
}

/** The `Date` header's text, made once per second (it has a resolution of one second). */
let dateSecond = Number.NaN;
let dateText = '';

function httpDate(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

function commonHeaders(correlation: Correlation): Record<string, string> {
  return {
    'request-id': correlation.requestId,
    'client-request-id': correlation.clientRequestId,
    Date: httpDate(),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
}

export function jsonResponse(
  correlation: Correlation,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponseInit {
  const all = commonHeaders(correlation);
  all['Content-Type'] = JSON_CONTENT_TYPE;
  all['OData-Version'] = '4.0';
  return { status, headers: Object.assign(all, headers), body: JSON.stringify(body) };
}

export function textResponse(
  correlation: Correlation,
  status: number,
  text: { contentType: string; content: string },
  headers: Record<string, string> = {},
): HttpResponseInit {
  return {
    status,
    headers: { ...commonHeaders(correlation), 'Content-Type': text.contentType, ...headers },
    body: text.content,
  };
}

export function emptyResponse(
  correlation: Correlation,
  status: number,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return { status, headers: { ...commonHeaders(correlation), ...headers } };
}

/** Graph's error envelope for a service error. */
export function errorResponse(correlation: Correlation, error: ServiceError): HttpResponseInit {
  const body = {
    error: {
      code: error.code,
      message: error.message,
      innerError: {
        date: new Date().toISOString().slice(0, 19),
        'request-id': correlation.requestId,
        'client-request-id': correlation.clientRequestId,
      },
      ...(error.details.length > 0 ? { details: error.details } : {}),
    },
  };
  return jsonResponse(correlation, error.status, body, { ...error.headers });
}
