import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('listActivityStatistics', {
  methods: ['GET'],
  route: 'beta/invitations/{invitationsId}/invitedUser/analytics/activityStatistics',
  authLevel: 'anonymous',
  handler: handlerFor('listActivityStatistics'),
});
