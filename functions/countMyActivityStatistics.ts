import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('countMyActivityStatistics', {
  methods: ['GET'],
  route: 'beta/me/analytics/activityStatistics/$count',
  authLevel: 'anonymous',
  handler: handlerFor('countMyActivityStatistics'),
});
