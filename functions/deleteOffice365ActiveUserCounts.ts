import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('deleteOffice365ActiveUserCounts', {
  methods: ['DELETE'],
  route: 'beta/reports/office365ActiveUserCounts/{id}',
  authLevel: 'anonymous',
  handler: handlerFor('deleteOffice365ActiveUserCounts'),
});
