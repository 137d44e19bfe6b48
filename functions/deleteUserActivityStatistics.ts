import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('deleteUserActivityStatistics', {
  methods: ['DELETE'],
  route: 'beta/users/{userId}/analytics/activityStatistics/{id}',
  authLevel: 'anonymous',
  handler: handlerFor('deleteUserActivityStatistics'),
});
