import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('removeItemActivityReference', {
  methods: ['DELETE'],
  route:
    'beta/me/joinedGroups/{groupId}/drive/activities/{itemActivityOLDId}/driveItem/analytics/itemActivityStats/{itemActivityStatId}/activities/{id}/$ref',
  authLevel: 'anonymous',
  handler: handlerFor('removeItemActivityReference'),
});
