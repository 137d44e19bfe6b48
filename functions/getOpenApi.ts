import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('getOpenApi', {
  methods: ['GET'],
  route: 'beta/openapi.json',
  authLevel: 'anonymous',
  handler: handlerFor('getOpenApi'),
});
