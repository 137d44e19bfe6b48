/**
 * microsoft.graph.itemActivity (open) with its complex types accessAction, identitySet and identity, and
 * their subtypes (contract §2.2), as declared in `graphTypes.ts`. Open types keep dynamic properties; their
 * names must be OData identifiers (or OData property annotations such as `count@odata.type`), and at the
 * entity's level not the store's names, so nothing can pose as an annotation or a store field.
 */
import { randomUUID } from 'node:crypto';
import { normalizeDateTimeOffset } from '../odata/filter';
import { type ResourceDefinition, onFirstUse, singleType } from './resource';
import { type JsonObject, entityShape, isDynamicPropertyName, objectOf } from './schemas';

export const ITEM_ACTIVITY_TYPE = 'itemActivity';

/** Its declared properties (as Graph declares them: access, activityDateTime, actor) and dynamic ones. */
const itemActivitySchema = onFirstUse(() => objectOf(entityShape(ITEM_ACTIVITY_TYPE, true), true, true));
const itemActivityPatchSchema = onFirstUse(() => objectOf(entityShape(ITEM_ACTIVITY_TYPE, false), true, true));

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function child(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as JsonObject)[name] : undefined;
}

export const itemActivity: ResourceDefinition = {
  baseType: ITEM_ACTIVITY_TYPE,
  concreteTypes: [ITEM_ACTIVITY_TYPE],
  resolveType: singleType(ITEM_ACTIVITY_TYPE),
  entitySchema: itemActivitySchema,
  patchSchema: itemActivityPatchSchema,
  complete: (_type, data) => data,
  naturalId: () => randomUUID(),
  query: {
    queryable: {
      id: { type: 'string', path: 'c.id', indexPath: '/id' },
      activityDateTime: { type: 'dateTimeOffset', path: 'c.idx.activityDateTime', indexPath: '/idx/activityDateTime' },
      'actor/user/id': { type: 'string', path: 'c.idx.actorUserId', indexPath: '/idx/actorUserId' },
      'actor/user/displayName': {
        type: 'string',
        path: 'c.idx.actorUserDisplayName',
        indexPath: '/idx/actorUserDisplayName',
      },
    },
    // Open type: declared and dynamic properties can be selected.
    isSelectable: (name) => isDynamicPropertyName(name) && !name.includes('@'),
  },
  indexValues: (data) => {
    const when = text(data.activityDateTime);
    const user = child(data.actor, 'user');
    return {
      activityDateTime: when === null ? null : normalizeDateTimeOffset(when),
      actorUserId: text(child(user, 'id')),
      actorUserDisplayName: text(child(user, 'displayName')),
    };
  },
};
