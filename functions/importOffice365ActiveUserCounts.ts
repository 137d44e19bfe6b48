import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('importOffice365ActiveUserCounts', {
  methods: ['POST'],
  route: 'beta/reports/office365ActiveUserCounts/import',
  authLevel: 'anonymous',
  handler: handlerFor('importOffice365ActiveUserCounts'),
});
