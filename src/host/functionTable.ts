/**
 * The functions the app registers with the Functions host: one per operation of the table, named with its
 * operation id and served on its route, then the health function and the catch-all (last: it loses to every
 * other route). The build replaces this module by the table it returns, so loading the deployment package
 * registers every function without loading the operations.
 */
import { HEALTH_ROUTE } from '../http/health';
import { OPERATIONS, UNMATCHED_ROUTE } from '../operations';

export interface FunctionDefinition {
  readonly name: string;
  readonly methods: readonly string[];
  readonly route: string;
}

/** Every method an HTTP function can be offered: the catch-all takes them all (404, or 405 with Allow). */
const ANY_METHOD = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export function functionTable(): FunctionDefinition[] {
  return [
    ...OPERATIONS.map((operation) => ({ name: operation.name, methods: [operation.method], route: operation.route })),
    // Readiness for probes, outside /beta and without a token: 200, or 503 with Retry-After.
    { name: HEALTH_ROUTE.name, methods: [HEALTH_ROUTE.method], route: HEALTH_ROUTE.route },
    { name: UNMATCHED_ROUTE.name, methods: ANY_METHOD, route: UNMATCHED_ROUTE.route },
  ];
}
