import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('getUserActivityStatisticsById', {
  methods: ['GET'],
  route: 'beta/users/{userId}/analytics/activityStatistics/{id}',
  authLevel: 'anonymous',
  handler: handlerFor('getUserActivityStatisticsById'),
});
