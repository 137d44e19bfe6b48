/**
 * zod schemas made from the type declarations of `graphTypes.ts`: one per property, per complex type (which
 * takes its declared type or any subtype of it, chosen by `@odata.type`, with that subtype's properties),
 * and per entity type's properties. Open types keep dynamic properties whose names are OData identifiers
 * (or property annotations such as `count@odata.type`).
 */
import { z } from 'zod';
import { edmCount, edmDate, edmDateTimeOffset, edmDuration, edmString, literalMessage } from './edm';
import {
  GRAPH_TYPES,
  type PropertyDeclaration,
  allProperties,
  declarationOf,
  derivesFrom,
  isPrimitive,
  structuredType,
  typeAndSubtypes,
} from './graphTypes';

export type JsonObject = Record<string, unknown>;

export const GRAPH_NAMESPACE = 'microsoft.graph';

/** `#microsoft.graph.<name>` for a type name. */
export function odataTypeOf(typeName: string): string {
  return `#${GRAPH_NAMESPACE}.${typeName}`;
}

const ODATA_TYPE = /^#?microsoft\.graph\.([A-Za-z][A-Za-z0-9]{0,127})$/;

/** The type name in an `@odata.type` value (`#` optional, as Graph accepts), or undefined if malformed. */
export function typeNameOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return ODATA_TYPE.exec(value)?.[1];
}

export const DYNAMIC_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
export const PROPERTY_ANNOTATION = /^[A-Za-z_][A-Za-z0-9_]{0,127}@odata\.[A-Za-z][A-Za-z0-9]{0,63}$/;

/** Whether a name can be a dynamic property of an open type (or an annotation of one). */
export function isDynamicPropertyName(name: string): boolean {
  return DYNAMIC_NAME.test(name) || PROPERTY_ANNOTATION.test(name);
}

/**
 * Names the store uses beside an entity's properties (its document's own fields) and Cosmos DB's system
 * properties (which start with '_'): an open entity's dynamic property may not take them (contract §2.2),
 * even though properties are stored apart from them, so no reader of the raw documents can confuse the two.
 */
export const STORE_RESERVED_NAMES: ReadonlySet<string> = new Set([
  'pk',
  'tenantId',
  'type',
  'data',
  'idx',
  'ver',
  'rev',
  'inc',
  'ref',
  'pending',
  'referencedBy',
]);

export function isReservedName(name: string): boolean {
  return name.startsWith('_') || STORE_RESERVED_NAMES.has(name);
}

/** Refinements that run even when a declared property failed, so that one 400 names every offending one. */
const ALWAYS_ON_OBJECTS = {
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};

/** Checks the names of an open type's dynamic properties (at an entity's level, the store's names too). */
export function dynamicNames(declared: readonly string[], entityLevel: boolean) {
  return (value: JsonObject, ctx: z.RefinementCtx): void => {
    for (const name of Object.keys(value)) {
      if (declared.includes(name)) continue;
      if (!isDynamicPropertyName(name)) {
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

/** An object schema over `shape`: open types keep (well-named) dynamic properties, closed ones refuse them. */
export function objectOf(shape: z.ZodRawShape, open: boolean, entityLevel = false): z.ZodType<JsonObject> {
  if (!open) return z.strictObject(shape);
  return z.looseObject(shape).superRefine(dynamicNames(Object.keys(shape), entityLevel), ALWAYS_ON_OBJECTS);
}

function enumSchema(name: string, members: readonly string[]) {
  const allowed = members as [string, ...string[]];
  return z.enum(allowed, {
    error: (issue) =>
      `${literalMessage(issue.input, `${GRAPH_NAMESPACE}.${name}`)} Allowed values: ${members.join(', ')}.`,
  });
}

function primitiveSchema(property: PropertyDeclaration): z.ZodType {
  const service = property.service ?? {};
  switch (property.type) {
    case 'Edm.String': {
      if (service.allowed !== undefined) {
        const allowed = service.allowed as [string, ...string[]];
        return z.enum(allowed, {
          error: (issue) => `${literalMessage(issue.input, 'Edm.String')} Allowed values: ${allowed.join(', ')}.`,
        });
      }
      return edmString(service.maxLength);
    }
    case 'Edm.Date':
      return edmDate;
    case 'Edm.DateTimeOffset':
      return edmDateTimeOffset;
    case 'Edm.Duration':
      return edmDuration;
    case 'Edm.Int64':
      return edmCount;
    case 'Edm.Boolean':
      return z.boolean({ error: (issue) => literalMessage(issue.input, 'Edm.Boolean') });
    default:
      throw new Error(`No schema for the primitive type '${property.type}'.`);
  }
}

/** The schema of one property's value (without its optionality): primitive, enum or complex. */
export function valueSchema(property: PropertyDeclaration): z.ZodType {
  let schema: z.ZodType;
  if (isPrimitive(property.type)) {
    schema = primitiveSchema(property);
  } else {
    const type = declarationOf(property.type);
    schema = type.kind === 'enum' ? enumSchema(type.name, type.members) : complexSchema(type.name);
  }
  // A property the service requires is never null, whatever Graph allows.
  return property.nullable && property.service?.required !== true ? schema.nullable() : schema;
}

const concreteSchemas = new Map<string, z.ZodType<JsonObject>>();

/** The object schema of one concrete complex type: all its properties (inherited too), each optional. */
export function concreteComplexSchema(name: string): z.ZodType<JsonObject> {
  const cached = concreteSchemas.get(name);
  if (cached !== undefined) return cached;
  const shape: Record<string, z.ZodType> = { '@odata.type': z.string().optional() };
  for (const [property, declaration] of Object.entries(allProperties(name))) {
    shape[property] = z.lazy(() => valueSchema(declaration)).optional();
  }
  const schema = objectOf(shape, structuredType(name).open === true);
  concreteSchemas.set(name, schema);
  return schema;
}

const dispatchers = new Map<string, z.ZodType<JsonObject>>();

/**
 * The declared complex type of each `complexSchema`: its dispatch (a transform) has no JSON Schema of its own,
 * so the OpenAPI document describes it by the declared type and its subtypes (`metadata/openapi.ts`).
 */
export const complexTypeRegistry = z.registry<{ readonly typeName: string }>();

/**
 * A value of the complex type `declared`: an object whose optional `@odata.type` names `declared` or one of
 * its subtypes (with or without `#`); it is validated as that type, and its `@odata.type` is returned in
 * Graph's `#microsoft.graph.x` form. Any other type name is refused.
 */
export function complexSchema(declared: string): z.ZodType<JsonObject> {
  const cached = dispatchers.get(declared);
  if (cached !== undefined) return cached;
  const expected = typeAndSubtypes(declared).map(odataTypeOf);
  const schema = z.unknown().transform((value, ctx): JsonObject => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', input: value, message: literalMessage(value, `${GRAPH_NAMESPACE}.${declared}`) });
      return z.NEVER;
    }
    const object = value as JsonObject;
    const odataType = object['@odata.type'];
    let actual = declared;
    if (odataType !== undefined) {
      const named = typeNameOf(odataType);
      if (named === undefined || !GRAPH_TYPES.has(named) || !derivesFrom(named, declared)) {
        ctx.addIssue({
          code: 'custom',
          path: ['@odata.type'],
          input: odataType,
          message: `${literalMessage(odataType, 'Edm.String')} Expected ${expected.join(', ')}.`,
        });
        return z.NEVER;
      }
      actual = named;
    }
    const parsed = concreteComplexSchema(actual).safeParse(object, { reportInput: true });
    if (!parsed.success) {
      // The nested issues keep their paths (relative to this value) and inputs, so details name them.
      for (const issue of parsed.error.issues) {
        ctx.addIssue({
          code: 'custom',
          path: issue.path,
          message: issue.message,
          ...('input' in issue ? { input: issue.input } : {}),
        });
      }
      return z.NEVER;
    }
    return odataType === undefined ? parsed.data : { ...parsed.data, '@odata.type': odataTypeOf(actual) };
  });
  dispatchers.set(declared, schema);
  complexTypeRegistry.add(schema, { typeName: declared });
  return schema;
}

/**
 * The properties of an entity type (inherited ones but `id`), each as `valueSchema`, optional unless the
 * service requires it on create (`forCreate`); for PATCH every property is optional.
 */
export function entityShape(typeName: string, forCreate: boolean): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, declaration] of Object.entries(allProperties(typeName))) {
    if (name === 'id') continue;
    const schema = valueSchema(declaration);
    shape[name] = forCreate && declaration.service?.required === true ? schema : schema.optional();
  }
  return shape;
}
