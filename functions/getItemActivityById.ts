import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('getItemActivityById', {
  methods: ['GET'],
  route:
    'beta/me/joinedGroups/{groupId}/drive/activities/{itemActivityOLDId}/driveItem/analytics/itemActivityStats/{itemActivityStatId}/activities/{id}',
  authLevel: 'anonymous',
  handler: handlerFor('getItemActivityById'),
});
