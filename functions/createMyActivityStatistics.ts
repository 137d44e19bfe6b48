import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('createMyActivityStatistics', {
  methods: ['POST'],
  route: 'beta/me/analytics/activityStatistics',
  authLevel: 'anonymous',
  handler: handlerFor('createMyActivityStatistics'),
});
