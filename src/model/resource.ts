/**
 * What every stored Graph resource shares: `@odata.type` handling, the create and PATCH rules of the
 * contract (§2, §3), and the representation returned to clients. Each resource declares only its schemas,
 * how its concrete type is chosen and how its natural id is made.
 */
import type { z } from 'zod';
import type { ErrorDetail } from '../errors';
import type { PropertyType, Queryable, QueryableProperty } from '../odata/filter';
import type { QueryShape } from '../odata/listOptions';
import { entityId, literalMessage } from './edm';
import { GRAPH_NAMESPACE, type JsonObject, odataTypeOf, typeNameOf } from './schemas';
import { invalidBody, issuesToDetails } from './validation';

export type { JsonObject } from './schemas';

/** Annotations the server computes: a client may echo them back (e.g. a GET body re-posted); they are ignored. */
export const COMPUTED_ANNOTATIONS: ReadonlySet<string> = new Set([
  '@odata.context',
  '@odata.etag',
  '@odata.id',
  '@odata.editLink',
  '@odata.readLink',
]);

/** A request body split into its `@odata.type`, its properties, and the annotations nobody may send. */
export interface SplitBody {
  readonly odataType: unknown;
  readonly properties: JsonObject;
  readonly details: ErrorDetail[];
}

export function splitAnnotations(body: JsonObject): SplitBody {
  const properties: JsonObject = {};
  const details: ErrorDetail[] = [];
  let odataType: unknown;
  for (const [name, value] of Object.entries(body)) {
    if (name === '@odata.type') odataType = value;
    else if (COMPUTED_ANNOTATIONS.has(name)) continue;
    else if (name.startsWith('@'))
      details.push({ code: 'unknownProperty', target: name, message: `The annotation '${name}' is not supported.` });
    else properties[name] = value;
  }
  return { odataType, properties, details };
}

/** The outcome of choosing a concrete type: the type, or details saying why none could be chosen. */
export interface TypeResolution {
  readonly type: string | undefined;
  readonly details: ErrorDetail[];
}

/** A stored entity as the service sees it: its concrete type, key and properties (without `id`). */
export interface Entity<D extends JsonObject = JsonObject> {
  readonly type: string;
  readonly id: string;
  readonly data: D;
}

export interface ResourceDefinition<D extends JsonObject = JsonObject> {
  /** The (base) type of the collection, e.g. `activityStatistics`. */
  readonly baseType: string;
  /** The types a stored entity can have (the base type itself when it is concrete). */
  readonly concreteTypes: readonly string[];
  /** Chooses the concrete type from `@odata.type` and the properties (create only). */
  resolveType(odataType: unknown, properties: JsonObject): TypeResolution;
  /**
   * The schema of a whole entity of `type` (without `id`). With `type` undefined: a lenient schema of the
   * base properties, used only to report every invalid property when no concrete type could be chosen.
   */
  entitySchema(type: string | undefined): z.ZodType<D>;
  /** The schema of a PATCH body for `type`: the entity's properties, each optional (without `id`). */
  patchSchema(type: string): z.ZodType<Partial<D>>;
  /** Fills in what the contract defaults on create (e.g. `activity` from the type). */
  complete(type: string, data: D): D;
  /** The natural id used when the body has none. */
  naturalId(type: string, data: D): string;
  /** Properties a PATCH may not change (besides `id` and the type). */
  readonly immutableProperties?: readonly string[];
  /** What lists can filter, order and select. */
  readonly query: QueryShape;
  /** Values the store keeps beside the properties, in forms whose order is the property's order. */
  indexValues?(data: D): JsonObject;
}

const ID_PROPERTY: QueryableProperty = { type: 'string', path: 'c.id', indexPath: '/id' };

/** `id` and the named properties of `data`, as stored under `data`. */
export function queryableData(
  properties: Readonly<Record<string, PropertyType>>,
  members: Readonly<Record<string, readonly string[]>> = {},
): Queryable {
  const queryable: Record<string, QueryableProperty> = { id: ID_PROPERTY };
  for (const [name, type] of Object.entries(properties)) {
    const enumMembers = members[name];
    queryable[name] = {
      type,
      path: `c.data.${name}`,
      indexPath: `/data/${name}`,
      ...(enumMembers === undefined ? {} : { members: enumMembers }),
    };
  }
  return queryable;
}

/** The query shape of a closed type: `$select` takes its declared properties. */
export function closedQueryShape(queryable: Queryable, declared: readonly string[]): QueryShape {
  const selectable = new Set(['id', ...declared]);
  return { queryable, isSelectable: (name) => selectable.has(name) };
}

function typeDetail(message: string): ErrorDetail {
  return { code: 'invalidValue', target: '@odata.type', message };
}

/** Resolution for a resource with exactly one concrete type. */
export function singleType(typeName: string): (odataType: unknown) => TypeResolution {
  return (odataType) => {
    if (odataType === undefined || typeNameOf(odataType) === typeName) return { type: typeName, details: [] };
    return {
      type: typeName,
      details: [typeDetail(`${literalMessage(odataType, 'Edm.String')} Expected '${odataTypeOf(typeName)}'.`)],
    };
  };
}

function parseId(properties: JsonObject): { id: string | undefined; details: ErrorDetail[] } {
  if (properties.id === undefined) return { id: undefined, details: [] };
  const result = entityId.safeParse(properties.id, { reportInput: true });
  if (result.success) return { id: result.data, details: [] };
  return { id: undefined, details: issuesToDetails(result.error.issues, '').map((d) => ({ ...d, target: 'id' })) };
}

function withoutId(properties: JsonObject): JsonObject {
  const { id: _id, ...rest } = properties;
  return rest;
}

/**
 * Validates a create body. Every offending property is reported at once: the base properties are checked
 * even when the concrete type cannot be chosen.
 */
export function parseCreate<D extends JsonObject>(definition: ResourceDefinition<D>, body: JsonObject): Entity<D> {
  const split = splitAnnotations(body);
  const resolution = definition.resolveType(split.odataType, split.properties);
  const id = parseId(split.properties);
  const parsed = definition.entitySchema(resolution.type).safeParse(withoutId(split.properties), { reportInput: true });
  const typeName = `${GRAPH_NAMESPACE}.${resolution.type ?? definition.baseType}`;
  const details = [
    ...split.details,
    ...resolution.details,
    ...id.details,
    ...(parsed.success ? [] : issuesToDetails(parsed.error.issues, typeName)),
  ];
  if (details.length > 0 || resolution.type === undefined || !parsed.success) throw invalidBody(details);
  const data = definition.complete(resolution.type, parsed.data);
  return { type: resolution.type, id: id.id ?? definition.naturalId(resolution.type, data), data };
}

/**
 * Applies a PATCH body to a stored entity: validates the given properties, merges them, and re-validates the
 * whole result. The id and the concrete type cannot change.
 */
export function applyPatch<D extends JsonObject>(
  definition: ResourceDefinition<D>,
  stored: Entity<D>,
  body: JsonObject,
): Entity<D> {
  const split = splitAnnotations(body);
  const typeName = `${GRAPH_NAMESPACE}.${stored.type}`;
  const details = [...split.details];
  if (split.odataType !== undefined && typeNameOf(split.odataType) !== stored.type) {
    details.push(typeDetail(`The type of an entity cannot change: this entity is '${odataTypeOf(stored.type)}'.`));
  }
  if (split.properties.id !== undefined && split.properties.id !== stored.id) {
    details.push({ code: 'invalidValue', target: 'id', message: "The property 'id' cannot be changed." });
  }
  const changes = withoutId(split.properties);
  const patch = definition.patchSchema(stored.type).safeParse(changes, { reportInput: true });
  if (!patch.success) details.push(...issuesToDetails(patch.error.issues, typeName));
  for (const name of definition.immutableProperties ?? []) {
    if (changes[name] !== undefined && changes[name] !== null && changes[name] !== stored.data[name]) {
      details.push({
        code: 'invalidValue',
        target: name,
        message: `The property '${name}' of a '${typeName}' is '${String(stored.data[name])}' and cannot be changed.`,
      });
    }
  }
  if (details.length > 0 || !patch.success) throw invalidBody(details);

  const merged = definition
    .entitySchema(stored.type)
    .safeParse({ ...stored.data, ...patch.data }, { reportInput: true });
  if (!merged.success) throw invalidBody(issuesToDetails(merged.error.issues, typeName));
  return { type: stored.type, id: stored.id, data: definition.complete(stored.type, merged.data) };
}

/** A value made on first use and kept: schemas are built when a request first needs them, not at import. */
export function onFirstUse<T>(make: () => T): () => T {
  let made: { readonly value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** Decodes an entity read from the store; a stored document that does not decode is a server fault. */
export function decodeStored<D extends JsonObject>(
  definition: ResourceDefinition<D>,
  type: string,
  id: string,
  data: unknown,
): Entity<D> {
  const parsed = definition.concreteTypes.includes(type) ? definition.entitySchema(type).safeParse(data) : undefined;
  if (parsed === undefined) throw new Error(`A stored ${definition.baseType} '${id}' has an unknown type '${type}'.`);
  if (!parsed.success) {
    throw new Error(
      `A stored ${definition.baseType} '${id}' of type '${type}' does not decode: ${parsed.error.message}`,
    );
  }
  return { type, id, data: parsed.data };
}
