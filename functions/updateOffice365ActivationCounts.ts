import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('updateOffice365ActivationCounts', {
  methods: ['PATCH'],
  route: 'beta/reports/office365ActivationCounts/{id}',
  authLevel: 'anonymous',
  handler: handlerFor('updateOffice365ActivationCounts'),
});
