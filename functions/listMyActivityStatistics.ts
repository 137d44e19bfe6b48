import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('listMyActivityStatistics', {
  methods: ['GET'],
  route: 'beta/me/analytics/activityStatistics',
  authLevel: 'anonymous',
  handler: handlerFor('listMyActivityStatistics'),
});
