import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('updateOffice365ActiveUserCounts', {
  methods: ['PATCH'],
  route: 'beta/reports/office365ActiveUserCounts/{id}',
  authLevel: 'anonymous',
  handler: handlerFor('updateOffice365ActiveUserCounts'),
});
