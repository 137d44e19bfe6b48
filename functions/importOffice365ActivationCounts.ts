import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('importOffice365ActivationCounts', {
  methods: ['POST'],
  route: 'beta/reports/office365ActivationCounts/import',
  authLevel: 'anonymous',
  handler: handlerFor('importOffice365ActivationCounts'),
});
