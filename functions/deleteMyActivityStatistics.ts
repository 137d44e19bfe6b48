import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('deleteMyActivityStatistics', {
  methods: ['DELETE'],
  route: 'beta/me/analytics/activityStatistics/{id}',
  authLevel: 'anonymous',
  handler: handlerFor('deleteMyActivityStatistics'),
});
