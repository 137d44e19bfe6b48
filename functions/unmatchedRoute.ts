import { app } from '@azure/functions';
import { unmatchedRouteHandler } from '../src/host/azure';

// Every path no operation serves: Graph's 404, or 405 with Allow. A catch-all route loses to every other.
app.http('unmatchedRoute', {
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
  route: '{*path}',
  authLevel: 'anonymous',
  handler: unmatchedRouteHandler,
});
