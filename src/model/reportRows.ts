/**
 * Office 365 usage-report rows: microsoft.graph.office365ActivationCounts and office365ActiveUserCounts
 * (contract §2.3, §2.4), both closed. Their ids are derived from the row's key properties, so re-posting a
 * report row replaces it instead of duplicating it.
 */
import { createHash } from 'node:crypto';
import type { PropertyType } from '../odata/filter';
import { type ResourceDefinition, closedQueryShape, onFirstUse, queryableData, singleType } from './resource';
import type { z } from 'zod';
import { allProperties } from './graphTypes';
import { type JsonObject, entityShape, objectOf } from './schemas';

export const ACTIVATION_COUNTS_TYPE = 'office365ActivationCounts';
export const ACTIVE_USER_COUNTS_TYPE = 'office365ActiveUserCounts';

/** A name-based UUID (version 5 layout over SHA-256) of a row's key properties: the same key, the same id. */
export function deterministicId(typeName: string, keyParts: readonly string[]): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([typeName, ...keyParts]), 'utf8')
    .digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Report periods as Graph writes them: the number of days (the service's restriction of the string). */
export const REPORT_PERIODS: readonly string[] =
  allProperties(ACTIVE_USER_COUNTS_TYPE).reportPeriod?.service?.allowed ?? [];

/** Every declared property is returned; an omitted count is stored as null, as Graph returns unset values. */
function withNulls(shape: z.ZodRawShape) {
  const names = Object.keys(shape);
  return (data: JsonObject): JsonObject => Object.fromEntries(names.map((name) => [name, data[name] ?? null]));
}

/** The properties a row is known by: its natural key, from which its id is derived. */
export const ACTIVATION_COUNTS_KEY: readonly string[] = ['reportRefreshDate', 'productType'];
export const ACTIVE_USER_COUNTS_KEY: readonly string[] = ['reportRefreshDate', 'reportDate', 'reportPeriod'];

function closedRow(
  typeName: string,
  queryable: Readonly<Record<string, PropertyType>>,
  keyProperties: readonly string[],
): ResourceDefinition {
  const key = (data: JsonObject) => keyProperties.map((name) => String(data[name]));
  const shape = entityShape(typeName, true);
  return {
    baseType: typeName,
    concreteTypes: [typeName],
    resolveType: singleType(typeName),
    entitySchema: onFirstUse(() => objectOf(shape, false).transform(withNulls(shape))),
    patchSchema: onFirstUse(() => objectOf(entityShape(typeName, false), false)),
    complete: (_type, data) => data,
    naturalId: (_type, data) => deterministicId(typeName, key(data)),
    query: closedQueryShape(queryableData(queryable, { reportPeriod: REPORT_PERIODS }), Object.keys(shape)),
  };
}

const COUNT = 'int64';

export const office365ActivationCounts = closedRow(
  ACTIVATION_COUNTS_TYPE,
  {
    reportRefreshDate: 'date',
    productType: 'string',
    windows: COUNT,
    mac: COUNT,
    android: COUNT,
    ios: COUNT,
    windows10Mobile: COUNT,
  },
  ACTIVATION_COUNTS_KEY,
);

export const office365ActiveUserCounts = closedRow(
  ACTIVE_USER_COUNTS_TYPE,
  {
    reportRefreshDate: 'date',
    reportDate: 'date',
    reportPeriod: 'enum',
    office365: COUNT,
    exchange: COUNT,
    oneDrive: COUNT,
    sharePoint: COUNT,
    skypeForBusiness: COUNT,
    yammer: COUNT,
    teams: COUNT,
  },
  ACTIVE_USER_COUNTS_KEY,
);
