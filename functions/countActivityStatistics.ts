import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('countActivityStatistics', {
  methods: ['GET'],
  route: 'beta/invitations/{invitationsId}/invitedUser/analytics/activityStatistics/$count',
  authLevel: 'anonymous',
  handler: handlerFor('countActivityStatistics'),
});
