/**
 * microsoft.graph.itemActivity (open) with its complex types accessAction, identitySet and identity
 * (contract §2.2). Open types keep dynamic properties; their names must be OData identifiers (or OData
 * property annotations such as `count@odata.type`), so nothing can pose as an annotation or a store field.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { edmDateTimeOffset, edmString } from './edm';
import { normalizeDateTimeOffset } from '../odata/filter';
import { type JsonObject, type ResourceDefinition, isReservedName, nestedODataType, singleType } from './resource';

export const ITEM_ACTIVITY_TYPE = 'itemActivity';

const DYNAMIC_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const PROPERTY_ANNOTATION = /^[A-Za-z_][A-Za-z0-9_]{0,127}@odata\.[A-Za-z][A-Za-z0-9]{0,63}$/;

/**
 * Dynamic properties must have a valid name. Runs even when a declared property failed, so that one 400
 * names every offending property.
 */
const ALWAYS_ON_OBJECTS = {
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};

function dynamicNames(declared: readonly string[], entityLevel = false) {
  return (value: JsonObject, ctx: z.RefinementCtx): void => {
    for (const name of Object.keys(value)) {
      if (declared.includes(name)) continue;
      if (!DYNAMIC_NAME.test(name) && !PROPERTY_ANNOTATION.test(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          input: value[name],
          message: `'${name}' is not a valid property name: dynamic properties are OData identifiers (letters, digits, '_').`,
        });
      } else if (entityLevel && isReservedName(name.split('@')[0] ?? name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          input: value[name],
          message: `'${name}' is reserved by the store: a dynamic property cannot be named so, nor start with '_'.`,
        });
      }
    }
  };
}

/** An open complex type with its declared properties and its `@odata.type` (one of `types`, or any). */
function openComplexType<S extends z.ZodRawShape>(types: readonly string[] | undefined, shape: S) {
  const full = { '@odata.type': nestedODataType(types).optional(), ...shape };
  return z.looseObject(full).superRefine(dynamicNames(Object.keys(full)), ALWAYS_ON_OBJECTS);
}

const identity = openComplexType(undefined, {
  id: edmString(1024).nullable().optional(),
  displayName: edmString(1024).nullable().optional(),
});

const identitySet = openComplexType(['identitySet'], {
  application: identity.nullable().optional(),
  device: identity.nullable().optional(),
  user: identity.nullable().optional(),
});

const accessAction = openComplexType(['accessAction'], {});

const itemActivityShape = {
  access: accessAction.nullable().optional(),
  activityDateTime: edmDateTimeOffset.nullable().optional(),
  actor: identitySet.nullable().optional(),
};

const itemActivitySchema = z
  .looseObject(itemActivityShape)
  .superRefine(dynamicNames(Object.keys(itemActivityShape), true), ALWAYS_ON_OBJECTS);
const itemActivityPatchSchema = z
  .looseObject(z.object(itemActivityShape).partial().shape)
  .superRefine(dynamicNames(Object.keys(itemActivityShape), true), ALWAYS_ON_OBJECTS);

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
  entitySchema: () => itemActivitySchema,
  patchSchema: () => itemActivityPatchSchema,
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
    isSelectable: (name) => DYNAMIC_NAME.test(name),
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
