import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('createOffice365ActivationCounts', {
  methods: ['POST'],
  route: 'beta/reports/office365ActivationCounts',
  authLevel: 'anonymous',
  handler: handlerFor('createOffice365ActivationCounts'),
});
