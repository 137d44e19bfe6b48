import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('getOffice365ActiveUserCounts', {
  methods: ['GET'],
  route: "beta/reports/getOffice365ActiveUserCounts(period='{period}')",
  authLevel: 'anonymous',
  handler: handlerFor('getOffice365ActiveUserCounts'),
});
