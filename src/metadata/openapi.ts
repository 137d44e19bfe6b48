/**
 * The service's OpenAPI 3.1 document, made from the operation table and the zod schemas the pipeline
 * validates with (`z.toJSONSchema`), so it says what the service does:
 * - every operation of the table, under its route, with `operationId` = its name (the Azure Function's);
 * - what an operation is follows from its route, as OData defines it: a collection's POST creates, its
 *   `/{id}` reads, patches and deletes, `/$count` counts, `/$ref` references, a function of `reports` calls
 *   a bound function of `$metadata`; an operation of another shape is listed with a generic body;
 * - request bodies are the resource's create and PATCH schemas (an abstract type's concrete types as `oneOf`
 *   with the `@odata.type` discriminator), with the rules JSON Schema cannot state said in `description`;
 * - every response with its body, errors in Graph's envelope, and the permissions of each operation
 *   (contract §6), found by asking the operation's own `access` for a few callers.
 */
import { z } from 'zod';
import { type Grant, grantFor } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import type { AuthenticatedOperation, Operation } from '../http/operation';
import { BASE_TYPE as STATISTICS_BASE_TYPE, STATISTICS_TYPES } from '../model/activityStatistics';
import { entityId } from '../model/edm';
import { ENTITY_CONTAINER, FUNCTIONS, type FunctionDeclaration } from '../model/entityContainer';
import { GRAPH_TYPES, typeAndSubtypes } from '../model/graphTypes';
import { COMPUTED_ANNOTATIONS, type ResourceDefinition } from '../model/resource';
import {
  DYNAMIC_NAME,
  GRAPH_NAMESPACE,
  PROPERTY_ANNOTATION,
  STORE_RESERVED_NAMES,
  complexTypeRegistry,
  concreteComplexSchema,
  odataTypeOf,
} from '../model/schemas';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../odata/listOptions';
import type { CollectionDeclaration } from '../operations/collection';
import { referenceBody } from '../operations/references';
import { PERIOD_PARAMETERS } from '../operations/reports';

export type JsonSchema = Record<string, unknown>;

/** A document the service serves about itself (`$metadata`, this one). */
export interface DocumentDeclaration {
  readonly name: string;
  readonly route: string;
  readonly contentType: string;
  readonly description: string;
}

export interface OpenApiSources {
  readonly operations: readonly Operation[];
  readonly collections: readonly CollectionDeclaration[];
  readonly documents: readonly DocumentDeclaration[];
}

/** The route prefix of every operation; the document's server URL ends with it. */
export const SERVICE_ROOT = 'beta';

const SECURITY_SCHEME = 'entraId';
const ENTRA = 'https://login.microsoftonline.com/organizations/oauth2/v2.0';
const ERROR_SCHEMA = 'microsoft.graph.ODataErrors.ODataError';

const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** `@odata.type` as clients may send it: with or without `#` (Graph's own examples omit it). */
function odataTypeForms(typeName: string): string[] {
  return [odataTypeOf(typeName), `${GRAPH_NAMESPACE}.${typeName}`];
}

// ---- schemas from zod --------------------------------------------------------------------------------

/** The component of a value of a declared complex type that has subtypes: the type or one of them. */
const valueName = (declared: string) => `${GRAPH_NAMESPACE}.${declared}-or-subtype`;

/** A declared complex type's value: the type itself or, named by `@odata.type`, one of its subtypes. */
function complexValue(declared: string): JsonSchema {
  return schemaRef(typeAndSubtypes(declared).length === 1 ? `${GRAPH_NAMESPACE}.${declared}` : valueName(declared));
}

/** `oneOf` the declared type (`@odata.type` optional) and its subtypes (`@odata.type` required). */
function valueComponent(declared: string): JsonSchema {
  const types = typeAndSubtypes(declared);
  return {
    oneOf: types.map((type) =>
      type === declared
        ? schemaRef(`${GRAPH_NAMESPACE}.${type}`)
        : { ...schemaRef(`${GRAPH_NAMESPACE}.${type}`), type: 'object', required: ['@odata.type'] },
    ),
    discriminator: {
      propertyName: '@odata.type',
      mapping: Object.fromEntries(
        types.map((type) => [odataTypeOf(type), `#/components/schemas/${GRAPH_NAMESPACE}.${type}`]),
      ),
    },
  };
}

/** The JSON Schema of what a zod schema accepts (its input); a complex value refers to its type's component. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: (context) => {
      const declared = complexTypeRegistry.get(context.zodSchema)?.typeName;
      if (declared === undefined) return;
      for (const key of Object.keys(context.jsonSchema)) delete (context.jsonSchema as JsonSchema)[key];
      Object.assign(context.jsonSchema, complexValue(declared));
    },
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> {
  const properties = schema.properties;
  return typeof properties === 'object' && properties !== null ? (properties as Record<string, JsonSchema>) : {};
}

const STORE_NAME = `^(?:_|(?:${[...STORE_RESERVED_NAMES].join('|')})(?:@|$))`;

/** The names an open type's object may have: its declared ones, and OData identifiers (not the store's). */
function openTypeNames(declared: readonly string[], entityLevel: boolean): JsonSchema {
  const dynamic: JsonSchema = { pattern: `${DYNAMIC_NAME.source}|${PROPERTY_ANNOTATION.source}` };
  return {
    anyOf: [{ enum: declared }, entityLevel ? { allOf: [dynamic, { not: { pattern: STORE_NAME } }] } : dynamic],
  };
}

/** A concrete complex type: its properties (inherited too) and, open as Graph's all are, dynamic ones. */
function complexComponent(typeName: string): JsonSchema {
  const json = jsonSchemaOf(concreteComplexSchema(typeName));
  const properties = { ...propertiesOf(json), '@odata.type': { type: 'string', enum: odataTypeForms(typeName) } };
  json.properties = properties;
  if (json.additionalProperties !== false) json.propertyNames = openTypeNames(Object.keys(properties), false);
  return json;
}

const IGNORED_ANNOTATION: JsonSchema = { description: 'Computed by the service: ignored on input.' };

/** Activity statistics: each concrete type stands for one activity (contract §2.1). */
function activityOf(definition: ResourceDefinition, type: string): string | undefined {
  if (definition.baseType !== STATISTICS_BASE_TYPE) return undefined;
  return Object.entries(STATISTICS_TYPES).find(([name]) => name === type)?.[1].activity;
}

/** The body of a create (POST) or PATCH of one concrete type of a resource. */
function requestSchema(definition: ResourceDefinition, type: string, mode: 'create' | 'update'): JsonSchema {
  const json = jsonSchemaOf(mode === 'create' ? definition.entitySchema(type) : definition.patchSchema(type));
  const idSchema = jsonSchemaOf(entityId);
  const abstractBase = definition.concreteTypes.length > 1 && mode === 'create';
  const annotations = Object.fromEntries([...COMPUTED_ANNOTATIONS].map((name) => [name, IGNORED_ANNOTATION]));
  const properties: Record<string, JsonSchema> = {
    '@odata.type': {
      type: 'string',
      enum: [...odataTypeForms(type), ...(abstractBase ? odataTypeForms(definition.baseType) : [])],
    },
    ...annotations,
    id:
      mode === 'create'
        ? { ...idSchema, description: `Optional (the service derives one by default). ${String(idSchema.description)}` }
        : { type: 'string', description: "If sent, the entity's own id: an id cannot change." },
    ...propertiesOf(json),
  };
  const rules: string[] = [];
  const activity = activityOf(definition, type);
  if (activity !== undefined) {
    // The activity is the type's (filled in when absent); on create it may choose the type instead.
    properties.activity = { enum: [activity, null] };
    if (mode === 'create') {
      json.anyOf = [
        { type: 'object', required: ['@odata.type'], properties: { '@odata.type': { enum: odataTypeForms(type) } } },
        { type: 'object', required: ['activity'], properties: { activity: { const: activity } } },
      ];
    }
    rules.push(
      mode === 'create'
        ? 'The endDate is not before the startDate (the service checks it; JSON Schema cannot).'
        : 'After the PATCH is merged into the stored entity, its endDate is not before its startDate (the service checks it; JSON Schema cannot).',
    );
  }
  if (mode === 'update') {
    rules.push("'@odata.type', if sent, names the entity's stored type: a type cannot change.");
  }
  json.properties = properties;
  if (json.additionalProperties !== false) json.propertyNames = openTypeNames(Object.keys(properties), true);
  json.description = [
    `${mode === 'create' ? 'A new' : 'Changes to a'} ${GRAPH_NAMESPACE}.${type}${mode === 'update' ? ' (every property optional)' : ''}.`,
    ...rules,
    'The JSON nests at most 32 levels.',
  ].join(' ');
  return json;
}

/** An entity as the service returns it. */
function entityComponent(definition: ResourceDefinition, type: string): JsonSchema {
  const json = jsonSchemaOf(definition.patchSchema(type));
  json.properties = {
    '@odata.context': { type: 'string', description: 'Resolves against $metadata (present on a single entity).' },
    '@odata.type': { const: odataTypeOf(type) },
    '@odata.etag': { type: 'string' },
    id: { type: 'string' },
    ...propertiesOf(json),
  };
  json.required = ['@odata.type', '@odata.etag', 'id'];
  delete json.propertyNames;
  return json;
}

function polymorphic(types: readonly string[], name: (type: string) => string, keyword: 'oneOf' | 'anyOf') {
  if (types.length === 1) return schemaRef(name(types[0] ?? ''));
  return {
    [keyword]: types.map((type) => schemaRef(name(type))),
    discriminator: {
      propertyName: '@odata.type',
      mapping: Object.fromEntries(types.map((type) => [odataTypeOf(type), `#/components/schemas/${name(type)}`])),
    },
  };
}

const entityName = (type: string) => `${GRAPH_NAMESPACE}.${type}`;
const createName = (type: string) => `${GRAPH_NAMESPACE}.${type}-create`;
const updateName = (type: string) => `${GRAPH_NAMESPACE}.${type}-update`;

// ---- permissions ----------------------------------------------------------------------------------------

const PROBE_TENANT = '00000000-0000-4000-8000-00000000000a';
const PROBE_USER = '00000000-0000-4000-8000-00000000000b';
const OTHER_USER = '00000000-0000-4000-8000-00000000000c';

function probeParams(operation: Operation, userId: string): Record<string, string> {
  const names = [...operation.route.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
  return Object.fromEntries(
    names.map((name) => [name, name === 'userId' ? userId : name === 'period' ? 'D7' : OTHER_USER]),
  );
}

function grantOf(operation: AuthenticatedOperation, principal: Principal, userId: string): Grant | undefined {
  try {
    return grantFor(operation.access(principal, probeParams(operation, userId)).requirement);
  } catch {
    // This kind of caller cannot call it (e.g. `me` with an app-only token).
    return undefined;
  }
}

interface Permissions {
  readonly delegated: readonly string[];
  readonly application: readonly string[];
  readonly text: string;
}

/** The permissions of contract §6 that an operation accepts, asked of its own `access`. */
function permissionsOf(operation: AuthenticatedOperation): Permissions {
  const none = { scopes: new Set<string>(), roles: new Set<string>() };
  const delegated = { ...none, tenantId: PROBE_TENANT, userId: PROBE_USER };
  const own = grantOf(operation, delegated, PROBE_USER);
  const others = grantOf(operation, delegated, OTHER_USER);
  const application = grantOf(operation, { ...none, tenantId: PROBE_TENANT, userId: undefined }, OTHER_USER);
  const scopes = [...new Set([...(own?.scopes ?? []), ...(others?.scopes ?? [])])];
  const roles = [...(application?.roles ?? [])];
  const list = (names: readonly string[] | undefined) => (names?.length ? names.join(', ') : 'none');
  if (scopes.length === 0 && roles.length === 0) {
    return { delegated: [], application: [], text: 'Any valid token: no particular permission.' };
  }
  const text =
    own !== undefined && others !== undefined && list(own.scopes) !== list(others.scopes)
      ? `Delegated (scp), any of: for the signed-in user's own data ${list(own.scopes)}; for another user's ${list(others.scopes)}. Application (roles), any of: ${list(roles)}.`
      : `Delegated (scp), any of: ${list(scopes)}. Application (roles), any of: ${list(roles)}.`;
  return { delegated: scopes, application: roles, text };
}

const PERMISSION_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'Analytics.Read': "Read the signed-in user's activity statistics",
  'Analytics.ReadWrite': "Read and write the signed-in user's activity statistics",
  'Analytics.Read.All': "Read every user's activity statistics",
  'Analytics.ReadWrite.All': "Read and write every user's activity statistics",
  'Files.Read.All': 'Read drive item activities',
  'Files.ReadWrite.All': 'Read and write drive item activities',
  'Sites.Read.All': 'Read drive item activities',
  'Sites.ReadWrite.All': 'Read and write drive item activities',
  'Reports.Read.All': 'Read usage report rows and reports',
  'Reports.ReadWrite.All': 'Read and write usage report rows',
};

function scopesObject(names: Iterable<string>): Record<string, string> {
  return Object.fromEntries([...names].sort().map((name) => [name, PERMISSION_DESCRIPTIONS[name] ?? name]));
}

// ---- operations -----------------------------------------------------------------------------------------

type CollectionKind = 'create' | 'list' | 'count' | 'get' | 'update' | 'delete' | 'addReference' | 'removeReference';

type Kind =
  | { readonly kind: CollectionKind; readonly collection: CollectionDeclaration }
  | { readonly kind: 'function'; readonly declaration: FunctionDeclaration }
  | { readonly kind: 'document'; readonly document: DocumentDeclaration }
  | { readonly kind: 'other' };

/** A collection's operations by method and route after the collection's: OData's URL conventions. */
const COLLECTION_KINDS: Readonly<Record<string, CollectionKind>> = {
  'POST ': 'create',
  'GET ': 'list',
  'GET /$count': 'count',
  'GET /{id}': 'get',
  'PATCH /{id}': 'update',
  'DELETE /{id}': 'delete',
  'POST /$ref': 'addReference',
  'DELETE /{id}/$ref': 'removeReference',
};

/** What an operation does, from its route and method (OData's URL conventions). */
function kindOf(operation: Operation, sources: OpenApiSources): Kind {
  const document = sources.documents.find((d) => d.name === operation.name);
  if (document !== undefined) return { kind: 'document', document };
  for (const collection of sources.collections) {
    if (!operation.route.startsWith(collection.route)) continue;
    const kind = COLLECTION_KINDS[`${operation.method} ${operation.route.slice(collection.route.length)}`];
    if (kind !== undefined) return { kind, collection };
  }
  const [root, binding, call, ...rest] = operation.route.split('/');
  const bound = ENTITY_CONTAINER.singletons.find((singleton) => singleton.name === binding)?.type;
  const declaration = FUNCTIONS.find(
    (fn) => fn.boundTo === bound && (call === fn.name || call?.startsWith(`${fn.name}(`) === true),
  );
  if (root === SERVICE_ROOT && operation.method === 'GET' && rest.length === 0 && declaration !== undefined) {
    return { kind: 'function', declaration };
  }
  return { kind: 'other' };
}

const HEADERS = {
  'request-id': { $ref: '#/components/headers/request-id' },
  'client-request-id': { $ref: '#/components/headers/client-request-id' },
};

function json(schema: JsonSchema): JsonSchema {
  return { 'application/json': { schema } };
}

function collectionBody(items: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['@odata.context', 'value'],
    properties: {
      '@odata.context': { type: 'string' },
      '@odata.count': { type: 'integer', minimum: 0 },
      '@odata.nextLink': { type: 'string', format: 'uri' },
      value: { type: 'array', items },
    },
  };
}

const QUERY_PARAMETERS: Readonly<Record<string, JsonSchema>> = {
  $top: {
    description: `Page size (default ${DEFAULT_PAGE_SIZE}).`,
    schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
  },
  $skiptoken: { description: 'Opaque: take it from @odata.nextLink.', schema: { type: 'string' } },
  $count: { description: 'Adds @odata.count.', schema: { type: 'boolean' } },
  $select: { description: 'Comma-separated properties to return (and id).', schema: { type: 'string' } },
  $orderby: { description: "One property, then optionally 'asc' or 'desc'.", schema: { type: 'string' } },
  $filter: { description: 'eq ne gt ge lt le, and or not, parentheses (see the README).', schema: { type: 'string' } },
  $format: {
    description: 'CSV (the default) or JSON.',
    schema: { type: 'string', enum: ['text/csv', 'application/json'] },
  },
};

function parametersOf(operation: Operation): JsonSchema[] {
  const path = [...operation.route.matchAll(/\{(\w+)\}/g)].map((match) => {
    const name = match[1] ?? '';
    const schema = name === 'period' ? { type: 'string', enum: PERIOD_PARAMETERS } : jsonSchemaOf(entityId);
    return { name, in: 'path', required: true, schema };
  });
  const query = operation.queryOptions.map((name) => ({
    name,
    in: 'query',
    required: false,
    ...(QUERY_PARAMETERS[name] ?? { schema: { type: 'string' } }),
  }));
  return [...path, ...query];
}

function responsesOf(kind: Kind, operation: Operation): Record<string, JsonSchema> {
  const errors = { '4XX': { $ref: '#/components/responses/error' }, '5XX': { $ref: '#/components/responses/error' } };
  const ok = (description: string, content?: JsonSchema, headers: JsonSchema = {}) => ({
    description,
    headers: { ...HEADERS, ...headers },
    ...(content === undefined ? {} : { content }),
  });
  const etag = { ETag: { description: 'The entity version, for If-Match.', schema: { type: 'string' } } };
  switch (kind.kind) {
    case 'create':
    case 'get':
    case 'update': {
      const { definition } = kind.collection;
      const entity = json(polymorphic(definition.concreteTypes, entityName, 'oneOf'));
      if (kind.kind !== 'create') return { '200': ok('The entity.', entity, etag), ...errors };
      return {
        '201': ok('Created.', entity, { ...etag, Location: { description: 'Its URL.', schema: { type: 'string' } } }),
        '200': ok('An entity with that id existed: replaced (an upsert).', entity, etag),
        ...errors,
      };
    }
    case 'list':
      return {
        '200': ok(
          'One page of the collection.',
          json(collectionBody(polymorphic(kind.collection.definition.concreteTypes, entityName, 'oneOf'))),
        ),
        ...errors,
      };
    case 'count':
      return {
        '200': ok('How many entities match $filter.', { 'text/plain': { schema: { type: 'integer', minimum: 0 } } }),
        ...errors,
      };
    case 'delete':
    case 'addReference':
    case 'removeReference':
      return { '204': ok('Done.'), ...errors };
    case 'function':
      return {
        '200': ok('The rows of the latest refresh.', {
          'text/csv': { schema: { type: 'string' } },
          ...json(collectionBody(schemaRef(entityName(kind.declaration.returns.type)))),
        }),
        ...errors,
      };
    case 'document':
      return {
        '200': ok(kind.document.description, {
          [kind.document.contentType]: {
            schema: { type: kind.document.contentType.endsWith('json') ? 'object' : 'string' },
          },
        }),
        ...errors,
      };
    case 'other':
      return { default: ok(`The answer of ${operation.name}.`, { '*/*': { schema: {} } }) };
  }
}

function requestBodyOf(kind: Kind, operation: Operation): JsonSchema | undefined {
  if (!operation.hasBody) return undefined;
  let schema: JsonSchema;
  if (kind.kind === 'create') schema = polymorphic(kind.collection.definition.concreteTypes, createName, 'oneOf');
  // PATCH bodies of different types overlap (every property is optional): any of them, by the stored type.
  else if (kind.kind === 'update') schema = polymorphic(kind.collection.definition.concreteTypes, updateName, 'anyOf');
  else if (kind.kind === 'addReference') {
    schema = {
      ...jsonSchemaOf(referenceBody),
      description:
        "'@odata.id' is the URL (absolute, or relative to the request) of an existing itemActivity of the caller's tenant.",
    };
  } else schema = { type: 'object' };
  return { required: true, content: json(schema) };
}

function summaryOf(kind: Kind, operation: Operation): string {
  const path = operation.route.slice(SERVICE_ROOT.length + 1);
  switch (kind.kind) {
    case 'function':
      return `Call ${kind.declaration.name}`;
    case 'document':
      return kind.document.description;
    case 'other':
      return operation.name;
    default:
      return `${kind.kind} ${kind.collection.definition.baseType} at ${path}`;
  }
}

function tagOf(kind: Kind): string {
  if (kind.kind === 'document') return 'service';
  if (kind.kind === 'function') return 'reports';
  if (kind.kind === 'other') return 'other';
  return kind.collection.definition.baseType;
}

function operationObject(operation: Operation, sources: OpenApiSources): JsonSchema {
  const kind = kindOf(operation, sources);
  const permissions = operation.anonymous === true ? undefined : permissionsOf(operation);
  const aliases = operation.aliases?.length
    ? ` Also served at: ${operation.aliases.map((alias) => `/${alias}`).join(', ')}.`
    : '';
  const body = requestBodyOf(kind, operation);
  return {
    operationId: operation.name,
    summary: summaryOf(kind, operation),
    description: `${permissions?.text ?? 'No token needed.'}${aliases}`,
    tags: [tagOf(kind)],
    ...(operation.route.includes('{') || operation.queryOptions.length > 0
      ? { parameters: parametersOf(operation) }
      : {}),
    ...(body === undefined ? {} : { requestBody: body }),
    responses: responsesOf(kind, operation),
    security:
      permissions === undefined
        ? []
        : permissions.delegated.length + permissions.application.length === 0
          ? // A token, with whatever permissions.
            [{ [SECURITY_SCHEME]: [] }]
          : [...new Set([...permissions.delegated, ...permissions.application])].map((name) => ({
              [SECURITY_SCHEME]: [name],
            })),
  };
}

/** The OpenAPI path of a route: under the server URL (which ends with `/beta`). */
export function openApiPath(route: string): string {
  if (!route.startsWith(`${SERVICE_ROOT}/`)) throw new Error(`The route '${route}' is not under /${SERVICE_ROOT}.`);
  return route.slice(SERVICE_ROOT.length);
}

function components(sources: OpenApiSources): JsonSchema {
  const schemas: Record<string, JsonSchema> = {};
  for (const type of GRAPH_TYPES.values()) {
    if (type.kind !== 'complex') continue;
    schemas[entityName(type.name)] = complexComponent(type.name);
    if (typeAndSubtypes(type.name).length > 1) schemas[valueName(type.name)] = valueComponent(type.name);
  }
  const definitions = new Set(sources.collections.map((collection) => collection.definition));
  for (const definition of definitions) {
    for (const type of definition.concreteTypes) {
      schemas[entityName(type)] = entityComponent(definition, type);
      schemas[createName(type)] = requestSchema(definition, type, 'create');
      schemas[updateName(type)] = requestSchema(definition, type, 'update');
    }
  }
  schemas[ERROR_SCHEMA] = {
    type: 'object',
    required: ['error'],
    properties: { error: schemaRef('microsoft.graph.ODataErrors.MainError') },
  };
  schemas['microsoft.graph.ODataErrors.MainError'] = {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: { type: 'string' },
      message: { type: 'string' },
      innerError: schemaRef('microsoft.graph.ODataErrors.InnerError'),
      details: { type: 'array', items: schemaRef('microsoft.graph.ODataErrors.ErrorDetails') },
    },
  };
  schemas['microsoft.graph.ODataErrors.ErrorDetails'] = {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: { type: 'string' },
      message: { type: 'string' },
      target: { type: 'string', description: 'The offending property or query option.' },
    },
  };
  schemas['microsoft.graph.ODataErrors.InnerError'] = {
    type: 'object',
    properties: {
      date: { type: 'string' },
      'request-id': { type: 'string' },
      'client-request-id': { type: 'string' },
    },
  };
  const delegated = new Set<string>();
  const application = new Set<string>();
  for (const operation of sources.operations) {
    if (operation.anonymous === true) continue;
    const permissions = permissionsOf(operation);
    permissions.delegated.forEach((name) => delegated.add(name));
    permissions.application.forEach((name) => application.add(name));
  }
  return {
    schemas,
    responses: {
      error: { description: "Graph's error envelope.", headers: HEADERS, content: json(schemaRef(ERROR_SCHEMA)) },
    },
    headers: {
      'request-id': {
        description: 'A new GUID for every request (quote it when reporting a problem).',
        schema: { type: 'string' },
      },
      'client-request-id': {
        description: "The request's client-request-id header, or the request-id.",
        schema: { type: 'string' },
      },
    },
    securitySchemes: {
      [SECURITY_SCHEME]: {
        type: 'oauth2',
        description:
          "Microsoft Entra ID. Delegated callers request the scopes as 'api://<the API's client id>/<scope>'; applications request 'api://<the API's client id>/.default' and get the roles an administrator granted.",
        flows: {
          authorizationCode: {
            authorizationUrl: `${ENTRA}/authorize`,
            tokenUrl: `${ENTRA}/token`,
            scopes: scopesObject(delegated),
          },
          clientCredentials: { tokenUrl: `${ENTRA}/token`, scopes: scopesObject(application) },
        },
      },
    },
  };
}

/**
 * The document. Its `servers` is empty: the serving operation puts there the URL the request came to (it is
 * the first `"servers":[]` of the serialized document).
 */
export function openApiDocument(sources: OpenApiSources): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of sources.operations) {
    const path = openApiPath(operation.route);
    paths[path] = { ...paths[path], [operation.method.toLowerCase()]: operationObject(operation, sources) };
  }
  return {
    openapi: '3.1.0',
    servers: [],
    info: {
      title: 'graph-analytics-api',
      version: SERVICE_ROOT,
      description:
        "A Microsoft Graph (beta) compatible API for user activity statistics, drive item activities and Office 365 usage-report rows. Made from the service's own operation table and validation schemas; the OData model is at $metadata.",
    },
    tags: [...new Set(sources.operations.map((operation) => tagOf(kindOf(operation, sources))))].map((name) => ({
      name,
    })),
    paths,
    components: components(sources),
  };
}
