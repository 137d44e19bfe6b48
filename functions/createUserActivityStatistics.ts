import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('createUserActivityStatistics', {
  methods: ['POST'],
  route: 'beta/users/{userId}/analytics/activityStatistics',
  authLevel: 'anonymous',
  handler: handlerFor('createUserActivityStatistics'),
});
