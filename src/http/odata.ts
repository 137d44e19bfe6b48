/**
 * OData pieces of a response: `@odata.context`, the entity representation, ETags and `If-Match`.
 */
import { allProperties, typeAndSubtypes } from '../model/graphTypes';
import type { JsonObject } from '../model/resource';
import { odataTypeOf } from '../model/schemas';
import type { StoredEntity } from '../store/entityStore';

/** A key as OData writes it in a URL: a quoted literal (quotes doubled), percent-encoded. */
function quoteKey(value: string): string {
  return `'${encodeURIComponent(value.replace(/'/g, "''"))}'`;
}

/** The segments of route templates after the first, each with its parameter's name if it is one (by template). */
const parsedTemplates = new Map<string, readonly { segment: string; parameter: string | undefined }[]>();

function templateSegments(routeTemplate: string): readonly { segment: string; parameter: string | undefined }[] {
  let segments = parsedTemplates.get(routeTemplate);
  if (segments === undefined) {
    segments = routeTemplate
      .split('/')
      .slice(1)
      .map((segment) => ({ segment, parameter: /^\{([A-Za-z][A-Za-z0-9_]*)\}$/.exec(segment)?.[1] }));
    // Templates are the operations' own, a few dozen: the map stays small.
    parsedTemplates.set(routeTemplate, segments);
  }
  return segments;
}

/**
 * The metadata path of a collection from its route template and parameter values, in OData's key syntax,
 * as Graph writes it: `beta/users/{userId}/analytics/activityStatistics` → `users('…')/analytics/…`, and
 * `me` as the signed-in user, `users('<oid>')`.
 */
export function contextPath(
  routeTemplate: string,
  params: Readonly<Record<string, string>>,
  signedInUser: string | undefined,
): string {
  const output: string[] = [];
  for (const { segment, parameter } of templateSegments(routeTemplate)) {
    if (segment === 'me' && output.length === 0 && signedInUser !== undefined)
      output.push(`users(${quoteKey(signedInUser)})`);
    else if (parameter === undefined) output.push(segment);
    else output[output.length - 1] += `(${quoteKey(params[parameter] ?? '')})`;
  }
  return output.join('/');
}

/** The service root (`https://host/beta`) of a request URL. */
export function serviceRoot(url: URL): string {
  return `${url.origin}/beta`;
}

function selected(data: JsonObject, select: readonly string[] | undefined): JsonObject {
  if (select === undefined) return data;
  return Object.fromEntries(Object.entries(data).filter(([name]) => select.includes(name)));
}

/** An entity of a collection: `@odata.type`, `@odata.etag`, `id` and its (selected) properties. Nothing of the store. */
export function entityItem(entity: StoredEntity, select?: readonly string[]): JsonObject {
  return {
    '@odata.type': odataTypeOf(entity.type),
    '@odata.etag': etagOf(entity),
    id: entity.id,
    ...selected(entity.data, select),
  };
}

/** An entity as Graph returns it on its own: its context first. */
export function entityRepresentation(contextUrl: string, entity: StoredEntity, select?: readonly string[]): JsonObject {
  return { '@odata.context': contextUrl, ...entityItem(entity, select) };
}

/**
 * A select list as OData writes it in a context URL: a property of the collection's type by its name, a property
 * that only types derived from it declare qualified by each of them (`microsoft.graph.callActivityStatistics/
 * afterHours`), so that the URL resolves against `$metadata`.
 */
export function selectList(baseType: string, select: readonly string[]): string {
  const declared = allProperties(baseType);
  return select
    .flatMap((name) =>
      Object.hasOwn(declared, name)
        ? [name]
        : typeAndSubtypes(baseType)
            .filter((type) => type !== baseType && Object.hasOwn(allProperties(type), name))
            .filter((type, _, declaring) => !declaring.some((other) => other !== type && derivedDeclares(type, other)))
            .map((type) => `microsoft.graph.${type}/${name}`),
    )
    .join(',');
}

/** Whether `type` inherits its declaration of a property from `ancestor` (so naming `ancestor` covers it). */
function derivedDeclares(type: string, ancestor: string): boolean {
  return type !== ancestor && typeAndSubtypes(ancestor).includes(type);
}

/** The `@odata.context` of a collection (or, with `entity`, of one of its entities), noting a `$select`. */
export function contextUrl(
  url: URL,
  collection: { path: string; type: string },
  select: readonly string[] | undefined,
  entity: boolean,
): string {
  const collectionPath = collection.path;
  const projection = select === undefined ? '' : `(${selectList(collection.type, select)})`;
  return `${serviceRoot(url)}/$metadata#${collectionPath}${projection}${entity ? '/$entity' : ''}`;
}

function normalizeTag(tag: string): string {
  const trimmed = tag.trim();
  return trimmed.startsWith('W/') ? trimmed.slice(2) : trimmed;
}

/** The ETag header value of an entity: its store version, quoted as HTTP requires. */
export function etagOf(entity: StoredEntity): string {
  return entity.etag.startsWith('"') ? entity.etag : `"${entity.etag}"`;
}

/** Whether an `If-Match` header (absent, `*`, or a list of tags) admits the entity's current version. */
export function ifMatchAdmits(header: string | null, entity: StoredEntity): boolean {
  if (header === null) return true;
  const current = normalizeTag(etagOf(entity));
  return header.split(',').some((tag) => {
    const normalized = normalizeTag(tag);
    return normalized === '*' || normalized === current;
  });
}
