import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('updateMyActivityStatistics', {
  methods: ['PATCH'],
  route: 'beta/me/analytics/activityStatistics/{id}',
  authLevel: 'anonymous',
  handler: handlerFor('updateMyActivityStatistics'),
});
