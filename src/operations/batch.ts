/**
 * JSON batching, as Graph does it: `POST /beta/$batch` with up to 20 requests (`id`, `method`, `url` relative
 * to `/beta`, `headers`, `body`, `dependsOn`), answered `{"responses": [{id, status, headers, body}]}`.
 *
 * The batch is authenticated once; each request then runs through the same pipeline as on its own, with
 * the batch's principal (so its permission and tenant are checked per request). Requests without
 * `dependsOn` run concurrently; a request runs after those it depends on, and answers 424 when one of them
 * failed. More than 20 requests, duplicate ids, unknown or cyclic dependencies and nested batches are a 400
 * before anything runs.
 */
import { randomUUID } from 'node:crypto';
import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { BadRequestError, ServiceError } from '../errors';
import type { Operation, OperationInput } from '../http/operation';
import { runOperation } from '../http/pipeline';
import { type Correlation, correlate, errorResponse } from '../http/responses';
import { RouteTable } from '../http/routes';
import { parseBody } from '../model/validation';

/** Graph's own limit. */
export const MAX_BATCH_REQUESTS = 20;

/** How many of a batch's requests run at once. */
const CONCURRENCY = 4;

const batchRequest = z.strictObject({
  id: z.string().min(1).max(64),
  method: z.enum(['GET', 'POST', 'PATCH', 'PUT', 'DELETE'], {
    error: 'The method is GET, POST, PATCH, PUT or DELETE.',
  }),
  url: z.string().min(1).max(4096),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
  dependsOn: z.array(z.string()).max(MAX_BATCH_REQUESTS).optional(),
});
type BatchRequest = z.infer<typeof batchRequest>;

const batchBody = z.strictObject({
  requests: z
    .array(batchRequest)
    .min(1, 'A batch holds at least one request.')
    .max(MAX_BATCH_REQUESTS, `A batch holds at most ${MAX_BATCH_REQUESTS} requests.`),
});

/** A batch's answer, as the OpenAPI document states it (BatchResponse is what the code builds). */
const batchAnswer = z.object({
  responses: z.array(
    z.object({
      id: z.string(),
      status: z.int().min(100).max(599),
      headers: z.record(z.string(), z.string()),
      body: z.unknown().optional().describe('JSON as JSON; other text as a string; anything else base64url-encoded.'),
    }),
  ),
});

export interface BatchResponse {
  readonly id: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

function batchError(message: string, target = 'requests'): BadRequestError {
  return new BadRequestError(message, [{ code: 'invalidRequest', target, message }]);
}

/** The request's path under the service root: `/me/…`, `me/…`, `/beta/me/…` or an absolute URL all work. */
function pathOf(url: string): string {
  const withoutOrigin = url.replace(/^https?:\/\/[^/]*/i, '');
  const path = withoutOrigin.startsWith('/') ? withoutOrigin : `/${withoutOrigin}`;
  return /^\/beta(?:\/|$|\?)/i.test(path) ? path : `/beta${path}`;
}

/** Refuses what Graph refuses before anything runs: duplicate ids, unknown or cyclic dependencies, nesting. */
function checkBatch(requests: readonly BatchRequest[]): void {
  const ids = new Set<string>();
  for (const [index, request] of requests.entries()) {
    if (ids.has(request.id))
      throw batchError(`The id '${request.id}' is used by more than one request.`, `requests[${index}].id`);
    ids.add(request.id);
    const path = new URL(pathOf(request.url), 'https://batch.invalid').pathname;
    if (/^\/beta\/\$batch\/?$/i.test(path))
      throw batchError('A batch cannot hold another batch.', `requests[${index}].url`);
    if (request.body !== undefined && !['POST', 'PATCH', 'PUT'].includes(request.method)) {
      throw batchError(`A ${request.method} request has no body.`, `requests[${index}].body`);
    }
  }
  const byId = new Map(requests.map((request) => [request.id, request]));
  for (const [index, request] of requests.entries()) {
    for (const dependency of request.dependsOn ?? []) {
      if (!byId.has(dependency)) {
        throw batchError(
          `The request '${request.id}' depends on '${dependency}', which is not in the batch.`,
          `requests[${index}].dependsOn`,
        );
      }
    }
  }
  // A cycle: depth-first search over dependsOn.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw batchError(`The dependencies of '${id}' form a cycle.`);
    state.set(id, 'visiting');
    for (const dependency of byId.get(id)?.dependsOn ?? []) visit(dependency);
    state.set(id, 'done');
  };
  for (const request of requests) visit(request.id);
}

/** The correlation of an answer the batch makes itself (a failed dependency, an unknown path). */
function correlationOf(input: OperationInput): Correlation {
  return correlate(randomUUID(), input.headers.get('client-request-id'));
}

/** The response's headers with the names as the service writes them (`Content-Type`, `ETag`), as Graph does. */
function headersOf(response: HttpResponseInit): Record<string, string> {
  const headers: Record<string, string> = {};
  const init = response.headers;
  if (init instanceof Headers) {
    init.forEach((value, name) => {
      headers[name] = value;
    });
  } else if (Array.isArray(init)) {
    for (const [name, value] of init) headers[name] = value;
  } else if (init !== undefined) {
    for (const [name, value] of Object.entries(init)) if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

/**
 * A response as the batch answers it, as OData's JSON batch format says: a JSON body as JSON, a `text/*` body
 * as a string, any other body as a base64url string.
 */
function batchResponseOf(id: string, response: HttpResponseInit): BatchResponse {
  const headers = headersOf(response);
  const status = response.status ?? 200;
  const body = response.body;
  if (body === undefined || body === null || body === '') return { id, status, headers };
  const text = typeof body === 'string' ? body : '';
  const contentType = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  if (contentType.includes('json')) return { id, status, headers, body: JSON.parse(text) as unknown };
  if (contentType.startsWith('text/')) return { id, status, headers, body: text };
  return { id, status, headers, body: Buffer.from(text).toString('base64url') };
}

export function batchOperation(operations: () => readonly Operation[]): Operation {
  let table: RouteTable<Operation> | undefined;
  return {
    name: 'batch',
    method: 'POST',
    route: 'beta/$batch',
    hasBody: true,
    queryOptions: [],
    description: {
      summary: 'JSON batching: up to 20 requests of this API in one, each answered on its own',
      requestBodies: { 'application/json': batchBody },
      responses: { '200': { description: 'One answer per request, in any order.', body: batchAnswer } },
    },
    // Any caller of the API may batch; each request in the batch is authorized on its own.
    access: (principal) => ({
      requirement: { area: 'authenticated' },
      scope: { tenantId: principal.tenantId, owner: '$batch' },
    }),
    async handle(input) {
      const { requests } = parseBody(batchBody, input.body, 'batch');
      checkBatch(requests);
      table ??= new RouteTable(operations());
      const routes = table;
      const outcomes = new Map<string, Promise<BatchResponse>>();
      let running = 0;
      const waiting: (() => void)[] = [];
      const slot = async (): Promise<() => void> => {
        while (running >= CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
        running += 1;
        return () => {
          running -= 1;
          waiting.shift()?.();
        };
      };
      const byId = new Map(requests.map((request) => [request.id, request]));
      const run = (request: BatchRequest): Promise<BatchResponse> => {
        const existing = outcomes.get(request.id);
        if (existing !== undefined) return existing;
        const outcome = (async (): Promise<BatchResponse> => {
          const dependencies = await Promise.all((request.dependsOn ?? []).map((id) => run(byId.get(id) ?? request)));
          const failed = dependencies.find((dependency) => dependency.status >= 400);
          if (failed !== undefined) {
            return batchResponseOf(
              request.id,
              errorResponse(
                correlationOf(input),
                new ServiceError(424, 'FailedDependency', `The request '${failed.id}' this request depends on failed.`),
              ),
            );
          }
          const release = await slot();
          try {
            return batchResponseOf(request.id, await runOne(input, routes, request));
          } finally {
            release();
          }
        })();
        outcomes.set(request.id, outcome);
        return outcome;
      };
      const responses = await Promise.all(requests.map(run));
      return { status: 200, body: { responses } };
    },
  };
}

/** One request of the batch, through the pipeline as the batch's principal. */
async function runOne(
  input: OperationInput,
  routes: RouteTable<Operation>,
  request: BatchRequest,
): Promise<HttpResponseInit> {
  const url = new URL(pathOf(request.url), input.url.origin);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  // The batch's own token and correlation stand for every request in it.
  headers.authorization = input.headers.get('authorization') ?? '';
  let bytes: Buffer | undefined;
  if (typeof request.body === 'string') {
    bytes = Buffer.from(request.body, 'base64');
  } else if (request.body !== undefined) {
    bytes = Buffer.from(JSON.stringify(request.body));
  }
  // Graph asks for a Content-Type with every body; the Kiota SDK's batch helper sends none (and its JSON
  // base64-encoded), so a body without one is taken as JSON.
  if (bytes !== undefined) headers['content-type'] ??= 'application/json';
  const httpRequest = new HttpRequest({
    method: request.method,
    url: url.toString(),
    headers,
    ...(bytes === undefined ? {} : { body: { bytes } }),
  });
  const services = () => Promise.resolve(input.services);
  let match;
  try {
    match = routes.match(request.method, url.pathname.slice(1));
  } catch (error) {
    if (error instanceof ServiceError) return errorResponse(correlationOf(input), error);
    throw error;
  }
  if (match.kind !== 'found') {
    const notFound = match.kind === 'notFound';
    const error = new ServiceError(
      notFound ? 404 : 405,
      notFound ? 'ResourceNotFound' : 'MethodNotAllowed',
      notFound
        ? `Resource not found for '${url.pathname}'.`
        : `The HTTP method '${request.method}' is not supported for this resource.`,
    );
    return errorResponse(correlationOf(input), error);
  }
  return runOperation(match.target, services, httpRequest, match.params, input.invocation, input.principal);
}
