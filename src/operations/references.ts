/**
 * `$ref` on an item activity statistic's `activities` (a non-contained navigation in Graph): add a
 * reference to an existing itemActivity of the caller's tenant, or remove one (the activity stays).
 */
import { z } from 'zod';
import { BadRequestError } from '../errors';
import type { Operation } from '../http/operation';
import { compileRoute, matchRoute } from '../http/routes';
import { isEntityId } from '../model/edm';
import { parseBody } from '../model/validation';
import type { CollectionDeclaration } from './collection';

/** The body of `POST …/$ref`: the URL of an existing itemActivity. */
export const referenceBody = z.strictObject({
  '@odata.id': z.string({ error: "'@odata.id' is the URL of an itemActivity." }).min(1).max(4096),
});

function notAnActivity(): BadRequestError {
  return new BadRequestError("'@odata.id' is not the URL of an itemActivity.", [
    { code: 'invalidValue', target: '@odata.id', message: 'The URL must name an itemActivity of an itemActivityStat.' },
  ]);
}

export function referenceOperations(activities: CollectionDeclaration): Operation[] {
  const entityRoute = compileRoute(`${activities.route}/{id}`);
  return [
    {
      name: 'addItemActivityReference',
      method: 'POST',
      route: `${activities.route}/$ref`,
      hasBody: true,
      queryOptions: [],
      access: (principal, params) => activities.access(principal, params, 'write'),
      async handle(input) {
        const body = parseBody(referenceBody, input.body, 'microsoft.graph.itemActivity reference');
        let url: URL;
        try {
          url = new URL(body['@odata.id'], input.url);
        } catch {
          throw notAnActivity();
        }
        if (url.protocol !== 'https:' && url.protocol !== 'http:') throw notAnActivity();
        const params = matchRoute(entityRoute, url.pathname.slice(1));
        if (params === undefined || !Object.values(params).every(isEntityId)) throw notAnActivity();
        // The target is resolved with the caller's principal: always the caller's tenant.
        const target = activities.access(input.principal, params, 'read').scope;
        await input.services.stores.itemActivities.addReference(input.scope, target, params.id ?? '', input.budget);
        return { status: 204 };
      },
    },
    {
      name: 'removeItemActivityReference',
      method: 'DELETE',
      route: `${activities.route}/{id}/$ref`,
      hasBody: false,
      queryOptions: [],
      access: (principal, params) => activities.access(principal, params, 'write'),
      async handle(input) {
        await input.services.stores.itemActivities.removeReference(input.scope, input.params.id ?? '', input.budget);
        return { status: 204 };
      },
    },
  ];
}
