import { app } from '@azure/functions';
import { handlerFor } from '../src/host/azure';

app.http('listItemActivity', {
  methods: ['GET'],
  route:
    'beta/me/joinedGroups/{groupId}/drive/activities/{itemActivityOLDId}/driveItem/analytics/itemActivityStats/{itemActivityStatId}/activities',
  authLevel: 'anonymous',
  handler: handlerFor('listItemActivity'),
});
