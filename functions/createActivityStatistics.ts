import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('createActivityStatistics', {
  methods: ['POST'],
  route: 'beta/invitations/{invitationsId}/invitedUser/analytics/activityStatistics',
  authLevel: 'anonymous',
  handler: handlerFor('createActivityStatistics'),
});
