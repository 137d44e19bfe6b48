import { app } from '@azure/functions';
import { healthRouteHandler } from '../src/host/azure';
import { HEALTH_ROUTE } from '../src/http/health';

// Readiness for probes, outside /beta and without a token: 200, or 503 with Retry-After.
app.http(HEALTH_ROUTE.name, {
  methods: [HEALTH_ROUTE.method],
  route: HEALTH_ROUTE.route,
  authLevel: 'anonymous',
  handler: healthRouteHandler,
});
