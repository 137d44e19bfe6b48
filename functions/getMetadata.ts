import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('getMetadata', {
  methods: ['GET'],
  route: 'beta/$metadata',
  authLevel: 'anonymous',
  handler: handlerFor('getMetadata'),
});
