import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('deleteOffice365ActivationCounts', {
  methods: ['DELETE'],
  route: 'beta/reports/office365ActivationCounts/{id}',
  authLevel: 'anonymous',
  handler: handlerFor('deleteOffice365ActivationCounts'),
});
