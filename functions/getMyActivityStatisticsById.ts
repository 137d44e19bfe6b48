import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('getMyActivityStatisticsById', {
  methods: ['GET'],
  route: 'beta/me/analytics/activityStatistics/{id}',
  authLevel: 'anonymous',
  handler: handlerFor('getMyActivityStatisticsById'),
});
