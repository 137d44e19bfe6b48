import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('addItemActivityReference', {
  methods: ['POST'],
  route:
    'beta/me/joinedGroups/{groupId}/drive/activities/{itemActivityOLDId}/driveItem/analytics/itemActivityStats/{itemActivityStatId}/activities/$ref',
  authLevel: 'anonymous',
  handler: handlerFor('addItemActivityReference'),
});
