import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('countOffice365ActivationCounts', {
  methods: ['GET'],
  route: 'beta/reports/office365ActivationCounts/$count',
  authLevel: 'anonymous',
  handler: handlerFor('countOffice365ActivationCounts'),
});
