import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('countItemActivity', {
  methods: ['GET'],
  route:
    'beta/me/joinedGroups/{groupId}/drive/activities/{itemActivityOLDId}/driveItem/analytics/itemActivityStats/{itemActivityStatId}/activities/$count',
  authLevel: 'anonymous',
  handler: handlerFor('countItemActivity'),
});
