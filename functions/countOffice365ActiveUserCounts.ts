import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('countOffice365ActiveUserCounts', {
  methods: ['GET'],
  route: 'beta/reports/office365ActiveUserCounts/$count',
  authLevel: 'anonymous',
  handler: handlerFor('countOffice365ActiveUserCounts'),
});
