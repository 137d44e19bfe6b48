/**
 * microsoft.graph.activityStatistics (closed, abstract) and its five concrete types (contract §2.1).
 */
import { z } from 'zod';
import type { ErrorDetail } from '../errors';
import { ACTIVITY_TYPES, type AnalyticsActivityType, analyticsActivityType, literalMessage } from './edm';
import { allProperties, structuredType } from './graphTypes';
import { type ResourceDefinition, type TypeResolution, closedQueryShape, onFirstUse, queryableData } from './resource';
import { type JsonObject, entityShape, odataTypeOf, typeNameOf } from './schemas';

export const BASE_TYPE = 'activityStatistics';

/** Each concrete type and the activity it stands for (its extra Duration properties are declared in graphTypes). */
export const STATISTICS_TYPES = {
  callActivityStatistics: { activity: 'Call' },
  chatActivityStatistics: { activity: 'Chat' },
  emailActivityStatistics: { activity: 'Email' },
  focusActivityStatistics: { activity: 'Focus' },
  meetingActivityStatistics: { activity: 'Meeting' },
} as const satisfies Record<string, { activity: AnalyticsActivityType }>;

export type StatisticsType = keyof typeof STATISTICS_TYPES;
export const CONCRETE_TYPES = Object.keys(STATISTICS_TYPES) as StatisticsType[];

function isStatisticsType(name: string | undefined): name is StatisticsType {
  return name !== undefined && Object.hasOwn(STATISTICS_TYPES, name);
}

function typeForActivity(activity: AnalyticsActivityType): StatisticsType {
  const found = CONCRETE_TYPES.find((type) => STATISTICS_TYPES[type].activity === activity);
  if (found === undefined) throw new Error(`No concrete activityStatistics type for activity '${activity}'.`);
  return found;
}

/** The properties of an activityStatistics entity as stored and returned (every property present). */
export interface StatisticsData extends JsonObject {
  activity: AnalyticsActivityType | null;
  startDate: string;
  endDate: string;
  timeZoneUsed: string | null;
  duration: string;
}

/** A concrete type's own properties: its extra durations, stored as "PT0S" when omitted on create. */
export function durationsOf(type: StatisticsType): string[] {
  return Object.keys(structuredType(type).properties);
}

function endNotBeforeStart(data: JsonObject, ctx: z.RefinementCtx): void {
  const { startDate, endDate } = data;
  // Edm.Date strings compare in calendar order.
  if (typeof startDate === 'string' && typeof endDate === 'string' && endDate < startDate) {
    ctx.addIssue({
      code: 'custom',
      path: ['endDate'],
      input: endDate,
      message: `The endDate '${endDate}' is before the startDate '${startDate}'.`,
    });
  }
}

function buildEntitySchema(type: StatisticsType): z.ZodType<StatisticsData> {
  return z
    .strictObject(entityShape(type, true))
    .superRefine(endNotBeforeStart)
    .transform(
      (data): StatisticsData =>
        ({
          ...data,
          activity: data.activity ?? null,
          timeZoneUsed: data.timeZoneUsed ?? null,
        }) as StatisticsData,
    );
}

const entitySchemas = new Map(CONCRETE_TYPES.map((type) => [type, onFirstUse(() => buildEntitySchema(type))]));
const patchSchemas = new Map(
  CONCRETE_TYPES.map((type) => [type, onFirstUse(() => z.strictObject(entityShape(type, false)))]),
);
/** Used only to report invalid base properties when no concrete type can be chosen. */
const lenientBaseSchema = onFirstUse(
  () => z.looseObject(entityShape(BASE_TYPE, true)) as unknown as z.ZodType<StatisticsData>,
);

function activityDetail(message: string): ErrorDetail {
  return { code: 'invalidValue', target: 'activity', message };
}

/**
 * §2.1: the concrete type comes from `@odata.type`, or from `activity` when `@odata.type` is absent or names
 * the base type; neither deciding, or the two disagreeing, is a 400.
 */
function resolveType(odataType: unknown, properties: JsonObject): TypeResolution {
  const named = odataType === undefined ? BASE_TYPE : typeNameOf(odataType);
  if (named !== BASE_TYPE && !isStatisticsType(named)) {
    const allowed = [BASE_TYPE, ...CONCRETE_TYPES].map(odataTypeOf).join(', ');
    return {
      type: undefined,
      details: [
        {
          code: 'invalidValue',
          target: '@odata.type',
          message: `${literalMessage(odataType, 'Edm.String')} Expected one of ${allowed}.`,
        },
      ],
    };
  }
  const activity = analyticsActivityType.safeParse(properties.activity);
  if (isStatisticsType(named)) {
    const expected = STATISTICS_TYPES[named].activity;
    if (activity.success && activity.data !== expected) {
      return {
        type: undefined,
        details: [
          activityDetail(
            `The activity '${activity.data}' does not match '${odataTypeOf(named)}', whose activity is '${expected}'.`,
          ),
        ],
      };
    }
    // An invalid activity is reported by the entity schema.
    return { type: named, details: [] };
  }
  if (activity.success) return { type: typeForActivity(activity.data), details: [] };
  if (properties.activity === undefined || properties.activity === null) {
    return {
      type: undefined,
      details: [
        activityDetail(
          `The concrete type cannot be determined: send 'activity' (${ACTIVITY_TYPES.join(', ')}) or a concrete '@odata.type'.`,
        ),
      ],
    };
  }
  // An invalid activity value: the lenient base schema reports it.
  return { type: undefined, details: [] };
}

export const activityStatistics: ResourceDefinition<StatisticsData> = {
  baseType: BASE_TYPE,
  concreteTypes: CONCRETE_TYPES,
  resolveType,
  entitySchema(type) {
    if (type === undefined || !isStatisticsType(type)) return lenientBaseSchema();
    const schema = entitySchemas.get(type);
    if (schema === undefined) throw new Error(`No schema for ${type}`);
    return schema();
  },
  patchSchema(type) {
    const schema = isStatisticsType(type) ? patchSchemas.get(type) : undefined;
    if (schema === undefined) throw new Error(`No PATCH schema for ${type}`);
    return schema();
  },
  complete(type, data) {
    if (!isStatisticsType(type)) throw new Error(`Unknown activityStatistics type ${type}`);
    const { activity } = STATISTICS_TYPES[type];
    const filled: StatisticsData = { ...data, activity: data.activity ?? activity };
    for (const name of durationsOf(type)) filled[name] ??= 'PT0S';
    return filled;
  },
  naturalId(_type, data) {
    return `${(data.activity ?? '').toLowerCase()}_${data.startDate}_${data.endDate}`;
  },
  immutableProperties: ['activity'],
  query: closedQueryShape(
    queryableData(
      { activity: 'enum', startDate: 'date', endDate: 'date', timeZoneUsed: 'string' },
      { activity: ACTIVITY_TYPES },
    ),
    [...Object.keys(allProperties(BASE_TYPE)), ...new Set(CONCRETE_TYPES.flatMap(durationsOf))].filter(
      (name) => name !== 'id',
    ),
  ),
};
