import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('listUserActivityStatistics', {
  methods: ['GET'],
  route: 'beta/users/{userId}/analytics/activityStatistics',
  authLevel: 'anonymous',
  handler: handlerFor('listUserActivityStatistics'),
});
