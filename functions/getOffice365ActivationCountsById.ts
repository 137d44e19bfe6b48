import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('getOffice365ActivationCountsById', {
  methods: ['GET'],
  route: 'beta/reports/office365ActivationCounts/{id}',
  authLevel: 'anonymous',
  handler: handlerFor('getOffice365ActivationCountsById'),
});
