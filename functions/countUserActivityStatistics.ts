import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('countUserActivityStatistics', {
  methods: ['GET'],
  route: 'beta/users/{userId}/analytics/activityStatistics/$count',
  authLevel: 'anonymous',
  handler: handlerFor('countUserActivityStatistics'),
});
