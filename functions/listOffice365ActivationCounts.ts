import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('listOffice365ActivationCounts', {
  methods: ['GET'],
  route: 'beta/reports/office365ActivationCounts',
  authLevel: 'anonymous',
  handler: handlerFor('listOffice365ActivationCounts'),
});
