import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('deleteActivityStatistics', {
  methods: ['DELETE'],
  route: 'beta/invitations/{invitationsId}/invitedUser/analytics/activityStatistics/{id}',
  authLevel: 'anonymous',
  handler: handlerFor('deleteActivityStatistics'),
});
