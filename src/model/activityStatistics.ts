/**
 * microsoft.graph.activityStatistics (closed, abstract) and its five concrete types (contract §2.1).
 */
import { z } from 'zod';
import type { ErrorDetail } from '../errors';
import {
  ACTIVITY_TYPES,
  type AnalyticsActivityType,
  analyticsActivityType,
  edmDate,
  edmDuration,
  edmString,
  literalMessage,
} from './edm';
import {
  type JsonObject,
  type ResourceDefinition,
  type TypeResolution,
  closedQueryShape,
  odataTypeOf,
  queryableData,
  typeNameOf,
} from './resource';

export const BASE_TYPE = 'activityStatistics';

/** Each concrete type, the activity it stands for, and its extra Duration properties. */
export const STATISTICS_TYPES = {
  callActivityStatistics: { activity: 'Call', durations: ['afterHours'] },
  chatActivityStatistics: { activity: 'Chat', durations: ['afterHours'] },
  emailActivityStatistics: { activity: 'Email', durations: ['afterHours', 'readEmail', 'sentEmail'] },
  focusActivityStatistics: { activity: 'Focus', durations: [] },
  meetingActivityStatistics: {
    activity: 'Meeting',
    durations: ['afterHours', 'conflicting', 'long', 'multitasking', 'organized', 'recurring'],
  },
} as const satisfies Record<string, { activity: AnalyticsActivityType; durations: readonly string[] }>;

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

const baseShape = {
  activity: analyticsActivityType.nullable().optional(),
  startDate: edmDate,
  endDate: edmDate,
  timeZoneUsed: edmString(256).nullable().optional(),
  duration: edmDuration,
};

function durationShape(type: StatisticsType): Record<string, z.ZodOptional<typeof edmDuration>> {
  return Object.fromEntries(STATISTICS_TYPES[type].durations.map((name) => [name, edmDuration.optional()]));
}

function endNotBeforeStart(data: { startDate: string; endDate: string }, ctx: z.RefinementCtx): void {
  // Edm.Date strings compare in calendar order.
  if (data.endDate < data.startDate) {
    ctx.addIssue({
      code: 'custom',
      path: ['endDate'],
      input: data.endDate,
      message: `The endDate '${data.endDate}' is before the startDate '${data.startDate}'.`,
    });
  }
}

function buildEntitySchema(type: StatisticsType): z.ZodType<StatisticsData> {
  return z
    .strictObject({ ...baseShape, ...durationShape(type) })
    .superRefine(endNotBeforeStart)
    .transform((data): StatisticsData => ({
      ...data,
      activity: data.activity ?? null,
      timeZoneUsed: data.timeZoneUsed ?? null,
    }));
}

const entitySchemas = new Map(CONCRETE_TYPES.map((type) => [type, buildEntitySchema(type)]));
const patchSchemas = new Map(
  CONCRETE_TYPES.map((type) => [type, z.strictObject({ ...baseShape, ...durationShape(type) }).partial()]),
);
/** Used only to report invalid base properties when no concrete type can be chosen. */
const lenientBaseSchema = z.looseObject(baseShape) as unknown as z.ZodType<StatisticsData>;

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
    if (type === undefined || !isStatisticsType(type)) return lenientBaseSchema;
    const schema = entitySchemas.get(type);
    if (schema === undefined) throw new Error(`No schema for ${type}`);
    return schema;
  },
  patchSchema(type) {
    const schema = isStatisticsType(type) ? patchSchemas.get(type) : undefined;
    if (schema === undefined) throw new Error(`No PATCH schema for ${type}`);
    return schema as unknown as z.ZodType<Partial<StatisticsData>>;
  },
  complete(type, data) {
    if (!isStatisticsType(type)) throw new Error(`Unknown activityStatistics type ${type}`);
    const { activity, durations } = STATISTICS_TYPES[type];
    const filled: StatisticsData = { ...data, activity: data.activity ?? activity };
    for (const name of durations) filled[name] ??= 'PT0S';
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
    [...Object.keys(baseShape), ...new Set(CONCRETE_TYPES.flatMap((type) => STATISTICS_TYPES[type].durations))],
  ),
};
