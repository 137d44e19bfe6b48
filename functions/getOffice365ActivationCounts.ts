import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('getOffice365ActivationCounts', {
  methods: ['GET'],
  route: 'beta/reports/getOffice365ActivationCounts',
  authLevel: 'anonymous',
  handler: handlerFor('getOffice365ActivationCounts'),
});
