import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('listOffice365ActiveUserCounts', {
  methods: ['GET'],
  route: 'beta/reports/office365ActiveUserCounts',
  authLevel: 'anonymous',
  handler: handlerFor('listOffice365ActiveUserCounts'),
});
