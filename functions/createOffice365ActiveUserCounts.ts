import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('createOffice365ActiveUserCounts', {
  methods: ['POST'],
  route: 'beta/reports/office365ActiveUserCounts',
  authLevel: 'anonymous',
  handler: handlerFor('createOffice365ActiveUserCounts'),
});
