import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('updateUserActivityStatistics', {
  methods: ['PATCH'],
  route: 'beta/users/{userId}/analytics/activityStatistics/{id}',
  authLevel: 'anonymous',
  handler: handlerFor('updateUserActivityStatistics'),
});
