import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('batch', {
  methods: ['POST'],
  route: 'beta/$batch',
  authLevel: 'anonymous',
  handler: handlerFor('batch'),
});
