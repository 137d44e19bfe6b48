/**
 * The Azure Functions side: the handlers the modules in `functions/` register. The services are built once
 * per process on first use; a configuration fault is logged at start-up and answered 500 (logged with the
 * request-id), never thrown at import, which would hide every function.
 */
import type { HttpHandler } from '@azure/functions';
import { createServices } from '../app';
import { createAuthenticator } from '../auth/authentication';
import { ConfigError, parseConfig } from '../config';
import { HEALTH_ROUTE, Readiness, healthHandler, isHealthRequest } from '../http/health';
import { routedOperationHandler, type ServicesProvider, unmatchedHandler } from '../http/pipeline';
import { RouteTable } from '../http/routes';
import type { Services } from '../http/operation';
import { OPERATIONS, UNMATCHED_ROUTE, findOperation } from '../operations';
import { createCosmosClient } from '../store/cosmos';

let services: Promise<Services> | undefined;

async function buildServices(): Promise<Services> {
  const config = parseConfig(process.env);
  const { endpoint } = config.cosmos;
  if (endpoint === undefined) {
    throw new ConfigError(['COSMOS_ENDPOINT: required under the Functions host (run `npm run cosmos` locally)']);
  }
  const database = createCosmosClient({ ...config.cosmos, endpoint }).database(config.cosmos.database);
  return createServices(config, database, await createAuthenticator(config.auth));
}

const functionsServices: ServicesProvider = () => {
  services ??= buildServices();
  return services;
};

/** Builds the services when the app starts, so that a configuration fault is logged at once. */
function startServices(): void {
  functionsServices().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`graph-analytics-api cannot start: ${message}`);
  });
}

/** Every operation's routes, most specific first: what decides which operation a request is for. */
const routes = new RouteTable(OPERATIONS);

/** The handler of the operation named `name` in the operation table. */
export function handlerFor(name: string): HttpHandler {
  const operation = findOperation(name);
  if (operation === undefined) {
    return (_request, context) => {
      context.error(`No operation named '${name}' is in the operation table.`);
      return Promise.resolve({ status: 500 });
    };
  }
  return routedOperationHandler(operation, routes, functionsServices);
}

/** The handler of the health function: readiness, without a token (see `http/health.ts`). */
export const healthRouteHandler: HttpHandler = healthHandler(new Readiness(functionsServices));

const unmatched = unmatchedHandler(OPERATIONS, functionsServices);

/** The handler of the catch-all function: Graph-shaped 404 and 405 (and any operation offered to it). */
export const unmatchedRouteHandler: HttpHandler = (request, context) =>
  isHealthRequest(request) ? healthRouteHandler(request, context) : unmatched(request, context);

/** What the registrations (`functions.ts`) call: each function's handler, and the start of the services. */
export interface FunctionHandlers {
  handlerOf(name: string): HttpHandler;
  startServices(): void;
}

export const functionHandlers: FunctionHandlers = {
  handlerOf: (name) =>
    name === HEALTH_ROUTE.name
      ? healthRouteHandler
      : name === UNMATCHED_ROUTE.name
        ? unmatchedRouteHandler
        : handlerFor(name),
  startServices,
};
