/**
 * The HTTP pipeline, written once: correlate, authenticate, check the path, authorize, check query options,
 * read and parse the body, run the operation, and map every failure to Graph's error envelope.
 */
import { randomUUID } from 'node:crypto';
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { authorize } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import {
  BadRequestError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceError,
  UnsupportedMediaTypeError,
  ensureError,
} from '../errors';
import { ENTITY_ID_RULE, isEntityId } from '../model/edm';
import type { JsonObject } from '../model/resource';
import { RequestBudget } from '../store/budget';
import type { RequestRecord } from '../telemetry';
import type { Config } from '../config';
import type {
  AnonymousInput,
  Operation,
  OperationInput,
  OperationResult,
  RawBody,
  RawBodyDeclaration,
  Services,
} from './operation';
import { corsHeaders, isPreflight, preflightResponse } from './cors';
import { type Correlation, correlate, emptyResponse, errorResponse, jsonResponse, textResponse } from './responses';
import { type RouteMatch, RouteTable } from './routes';

/** The operation name telemetry gives requests no operation serves. */
const UNMATCHED_OPERATION = 'unmatchedRoute';

/** Builds the process's services once; a failure (e.g. bad configuration) is answered 500 and logged. */
export type ServicesProvider = () => Promise<Services>;

/** Nesting deeper than this is refused (the store's own limit is higher). */
const MAX_JSON_DEPTH = 32;

function depthOf(value: unknown, depth = 0): number {
  if (depth > MAX_JSON_DEPTH || typeof value !== 'object' || value === null) return depth;
  let deepest = depth + 1;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, depthOf(child, depth + 1));
    if (deepest > MAX_JSON_DEPTH) break;
  }
  return deepest;
}

function isJsonContentType(value: string | null): boolean {
  if (value === null) return false;
  const [mediaType, ...parameters] = value.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return false;
  const charset = parameters.find((p) => p.startsWith('charset='));
  return charset === undefined || charset === 'charset=utf-8';
}

/** The request's body: the local host's request hands over the bytes it read, without a copy. */
async function bodyOf(request: HttpRequest): Promise<Buffer> {
  const local = request as { readonly bodyBytes?: unknown };
  if (typeof local.bodyBytes === 'function') return await (local.bodyBytes as () => Promise<Buffer>).call(request);
  return Buffer.from(await request.arrayBuffer());
}

/** Refuses bytes that are not UTF-8 (stateless between calls: one for the process). */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

async function readJsonObject(request: HttpRequest, maxBytes: number): Promise<JsonObject> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new PayloadTooLargeError(maxBytes);
  const bytes = await bodyOf(request);
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
  if (bytes.length === 0) throw new BadRequestError('A request body is required.');
  if (!isJsonContentType(request.headers.get('content-type'))) throw new UnsupportedMediaTypeError();
  let parsed: unknown;
  try {
    parsed = JSON.parse(UTF8.decode(bytes));
  } catch {
    throw new BadRequestError('The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BadRequestError('The request body must be a JSON object.');
  }
  if (depthOf(parsed) > MAX_JSON_DEPTH) {
    throw new BadRequestError(`The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  return parsed as JsonObject;
}

/**
 * A body the operation takes as it comes (`rawBody`): within its own size limit (413), not empty (400), of
 * one of its media types with a utf-8 charset if any (415).
 */
async function readRawBody(request: HttpRequest, declaration: RawBodyDeclaration, config: Config): Promise<RawBody> {
  const maxBytes = declaration.maxBytes(config);
  if (Number(request.headers.get('content-length') ?? '0') > maxBytes) throw new PayloadTooLargeError(maxBytes);
  const bytes = await bodyOf(request);
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
  if (bytes.length === 0) throw new BadRequestError('A request body is required.');
  const [mediaType = '', ...parameters] = (request.headers.get('content-type') ?? '')
    .split(';')
    .map((part) => part.trim().toLowerCase());
  const charset = parameters.find((p) => p.startsWith('charset='));
  if (!declaration.mediaTypes.includes(mediaType) || (charset !== undefined && charset !== 'charset=utf-8')) {
    throw new UnsupportedMediaTypeError(declaration.mediaTypes);
  }
  return { bytes, mediaType };
}

function checkQueryOptions(query: URLSearchParams, honoured: readonly string[]): void {
  for (const name of new Set(query.keys())) {
    if (name.startsWith('$') && !honoured.includes(name.toLowerCase())) {
      throw new BadRequestError(`The query option '${name}' is not supported by this operation.`, [
        { code: 'invalidQueryOption', target: name, message: `'${name}' is not supported here.` },
      ]);
    }
  }
}

function checkPathIds(params: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(params)) {
    if (!isEntityId(value)) {
      throw new BadRequestError(`The key '${name}' in the URL is not a valid id.`, [
        {
          code: 'invalidValue',
          target: name,
          message: ENTITY_ID_RULE,
        },
      ]);
    }
  }
}

/** Logs a fault with its request-id and answers 500 with nothing internal in the body. */
function faultResponse(correlation: Correlation, context: InvocationContext, error: unknown): HttpResponseInit {
  const fault = ensureError(error);
  context.error(`request-id ${correlation.requestId}: unexpected error: ${fault.stack ?? fault.message}`);
  return errorResponse(
    correlation,
    new ServiceError(500, 'generalException', 'An internal error occurred. Quote the request-id when reporting it.'),
  );
}

function failureResponse(correlation: Correlation, context: InvocationContext, error: unknown): HttpResponseInit {
  if (error instanceof ServiceError) {
    if (error.status >= 500)
      context.warn(`request-id ${correlation.requestId}: ${error.code}: ${ensureError(error.cause ?? error).message}`);
    return errorResponse(correlation, error);
  }
  return faultResponse(correlation, context, error);
}

/** The request's URL, parsed: the local host's request carries the one the host parsed already. */
function urlOf(request: HttpRequest): URL {
  const parsed = (request as { readonly parsedUrl?: unknown }).parsedUrl;
  return parsed instanceof URL ? parsed : new URL(request.url);
}

function correlationOf(request: HttpRequest): Correlation {
  return correlate(randomUUID(), request.headers.get('client-request-id'));
}

/**
 * Records the request's outcome (telemetry, in the invocation's trace) and logs it as one structured line at
 * Information, the Functions host's default level.
 */
function recordRequest(
  services: Services | undefined,
  context: InvocationContext,
  record: Omit<RequestRecord, 'durationMs' | 'traceParent'> & { started: number },
): void {
  const complete: RequestRecord = {
    operation: record.operation,
    method: record.method,
    requestId: record.requestId,
    clientRequestId: record.clientRequestId,
    status: record.status,
    requestCharge: record.requestCharge,
    tenantId: record.tenantId,
    durationMs: Math.round((performance.now() - record.started) * 100) / 100,
    traceParent: context.traceContext?.traceParent,
  };
  services?.telemetry.record(complete);
  // The local host says when it drops Information lines (by default it does); the Functions host keeps them.
  if ((context as { readonly logsInformation?: boolean }).logsInformation !== false) {
    context.info(JSON.stringify(complete));
  }
}

/** The authenticated caller of an operation on a tenant's data: who it is and which partition it reaches. */
type Caller = Pick<OperationInput, 'principal' | 'scope'>;

function handle(operation: Operation, input: AnonymousInput, caller: Caller | undefined): Promise<OperationResult> {
  if (operation.anonymous === true) return operation.handle(input);
  if (caller === undefined) throw new Error(`The operation '${operation.name}' ran without an authenticated caller.`);
  return operation.handle({ ...input, ...caller });
}

/**
 * Runs one operation through the whole pipeline. `authenticated` is the principal of a JSON batch the
 * request is part of: the batch authenticated once, and each of its requests is authorized on its own.
 */
export async function runOperation(
  operation: Operation,
  services: ServicesProvider,
  request: HttpRequest,
  routeParams: Readonly<Record<string, string>>,
  context: InvocationContext,
  authenticated?: Principal,
): Promise<HttpResponseInit> {
  const started = performance.now();
  const correlation = correlationOf(request);
  let budget: RequestBudget | undefined;
  let shared: Services | undefined;
  let tenantId: string | undefined;
  let response: HttpResponseInit;
  try {
    shared = await services();
    budget = new RequestBudget(shared.config.cosmos.requestTimeoutMs);
    const params = { ...routeParams };
    // Only an anonymous operation (a document about the service itself) skips the token, permission and tenant.
    let caller: Caller | undefined;
    if (operation.anonymous !== true) {
      const principal = authenticated ?? (await shared.authenticator.authenticate(request));
      tenantId = principal.tenantId;
      checkPathIds(params);
      const access = operation.access(principal, params);
      authorize(principal, access.requirement);
      caller = { principal, scope: access.scope };
    } else {
      checkPathIds(params);
    }
    const url = urlOf(request);
    if (url.search !== '') checkQueryOptions(url.searchParams, operation.queryOptions);
    const body = operation.hasBody ? await readJsonObject(request, shared.config.maxBodyBytes) : undefined;
    const rawBody =
      operation.rawBody === undefined ? undefined : await readRawBody(request, operation.rawBody, shared.config);
    const result = await handle(
      operation,
      {
        params,
        query: url.searchParams,
        headers: request.headers,
        body,
        ...(rawBody === undefined ? {} : { rawBody }),
        url,
        services: shared,
        invocation: context,
        budget,
      },
      caller,
    );
    if (result.text !== undefined) response = textResponse(correlation, result.status, result.text, result.headers);
    else if (result.body === undefined) response = emptyResponse(correlation, result.status, result.headers);
    else response = jsonResponse(correlation, result.status, result.body, result.headers);
  } catch (error) {
    response = failureResponse(correlation, context, error);
  }
  if (shared !== undefined) response = withCors(response, shared, request);
  recordRequest(shared, context, {
    operation: operation.name,
    method: request.method,
    requestId: correlation.requestId,
    clientRequestId: correlation.clientRequestId,
    status: response.status ?? 200,
    requestCharge: Math.round((budget?.requestCharge ?? 0) * 100) / 100,
    tenantId,
    started,
  });
  return response;
}

/** A response with the CORS headers its request's origin gets. */
function withCors(response: HttpResponseInit, services: Services, request: HttpRequest): HttpResponseInit {
  const cors = corsHeaders(services.config.allowedOrigins, request);
  if (cors === undefined) return response;
  return { ...response, headers: { ...(response.headers as Record<string, string>), ...cors } };
}

/** A CORS preflight: answered without a token; 403 for an origin or method that is not allowed. */
async function preflight(
  services: ServicesProvider,
  request: HttpRequest,
  correlation: Correlation,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  try {
    const shared = await services();
    const allowed = preflightResponse(shared.config.allowedOrigins, request);
    if (allowed !== undefined) return emptyResponse(correlation, 204, allowed.headers as Record<string, string>);
    return errorResponse(
      correlation,
      new ForbiddenError(`The origin '${(request.headers.get('origin') ?? '').slice(0, 100)}' may not call this API.`),
    );
  } catch (error) {
    return failureResponse(correlation, context, error);
  }
}

/** The Azure Functions handler of one operation. */
export function operationHandler(operation: Operation, services: ServicesProvider): HttpHandler {
  return (request, context) => runOperation(operation, services, request, request.params, context);
}

/**
 * The handler of one operation's function under the Functions host, which does not order routes by
 * specificity: it may offer `…/{id}` a request for `…/$count`. The route table decides, as on the local
 * host; a request it cannot place (a URL it cannot decode) stays with the function the host chose.
 */
export function routedOperationHandler(
  operation: Operation,
  table: RouteTable<Operation>,
  services: ServicesProvider,
): HttpHandler {
  return (request, context) => {
    let match: RouteMatch<Operation> | undefined;
    try {
      match = table.match(request.method, new URL(request.url).pathname.slice(1));
    } catch {
      match = undefined;
    }
    if (match?.kind === 'found' && match.target !== operation) {
      return runOperation(match.target, services, request, match.params, context);
    }
    return runOperation(operation, services, request, request.params, context);
  };
}

/**
 * The handler of the catch-all function. The Functions host tries routes in function order, not by
 * specificity, so the catch-all may be offered a request that an operation serves: it runs that operation
 * through the same pipeline. Any other request gets Graph's 404, or 405 with `Allow` when the path exists
 * for other methods.
 */
export function unmatchedHandler(operations: readonly Operation[], services: ServicesProvider): HttpHandler {
  const table = new RouteTable(operations);
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const started = performance.now();
    const correlation = correlationOf(request);
    let response: HttpResponseInit;
    try {
      if (isPreflight(request)) return await preflight(services, request, correlation, context);
      const pathname = urlOf(request).pathname.slice(1);
      const match = table.match(request.method, pathname);
      if (match.kind === 'found') return await runOperation(match.target, services, request, match.params, context);
      throw match.kind === 'notFound'
        ? new NotFoundError(`Resource not found for the segment '${pathname.split('/').pop() ?? ''}'.`)
        : new MethodNotAllowedError(request.method, match.allowed);
    } catch (error) {
      response = failureResponse(correlation, context, error);
    }
    const shared = await services().catch(() => undefined);
    if (shared !== undefined) response = withCors(response, shared, request);
    recordRequest(shared, context, {
      operation: UNMATCHED_OPERATION,
      method: request.method,
      requestId: correlation.requestId,
      clientRequestId: correlation.clientRequestId,
      status: response.status ?? 500,
      requestCharge: 0,
      tenantId: undefined,
      started,
    });
    return response;
  };
}
