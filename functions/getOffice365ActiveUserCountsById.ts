import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('getOffice365ActiveUserCountsById', {
  methods: ['GET'],
  route: 'beta/reports/office365ActiveUserCounts/{id}',
  authLevel: 'anonymous',
  handler: handlerFor('getOffice365ActiveUserCountsById'),
});
