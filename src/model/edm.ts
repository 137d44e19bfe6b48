/**
 * OData (Edm) primitive types as Microsoft Graph writes them in JSON, as zod schemas. Each schema's error
 * message uses Graph's wording ("Cannot convert the literal … to the expected type …"), so a 400's
 * `details` reads like Graph's.
 */
import { z } from 'zod';

/** Graph's message for a value that does not parse as the declared type. */
export function literalMessage(input: unknown, typeName: string): string {
  let literal: string;
  if (typeof input === 'string') literal = input;
  else if (input === undefined) literal = 'undefined';
  else literal = JSON.stringify(input);
  if (literal.length > 64) literal = `${literal.slice(0, 61)}...`;
  return `Cannot convert the literal '${literal}' to the expected type '${typeName}'.`;
}

function formatted(typeName: string, isValid: (value: string) => boolean) {
  const error = (issue: { input?: unknown }): string => literalMessage(issue.input, typeName);
  return z.string({ error }).refine(isValid, { error });
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Days in a month (1-12) of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

function isCalendarDay(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Edm.Date: `YYYY-MM-DD`, a real calendar day. */
export function isEdmDate(value: string): boolean {
  const m = DATE.exec(value);
  return m !== null && isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

const DATE_TIME_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,12})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

/** Edm.DateTimeOffset: ISO 8601 date and time with `Z` or a `±hh:mm` offset; seconds and fraction optional. */
export function isEdmDateTimeOffset(value: string): boolean {
  const m = DATE_TIME_OFFSET.exec(value);
  if (m === null) return false;
  const [, year, month, day, hour, minute, second, offsetHours, offsetMinutes] = m;
  return (
    isCalendarDay(Number(year), Number(month), Number(day)) &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second ?? 0) <= 59 &&
    Number(offsetHours ?? 0) <= 14 &&
    Number(offsetMinutes ?? 0) <= 59
  );
}

const DURATION = /^-?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Edm.Duration: `[-]P[nD][T[nH][nM][n[.n]S]]` with at least one part, and at least one after a `T`. */
export function isEdmDuration(value: string): boolean {
  const m = DURATION.exec(value);
  if (m === null) return false;
  const [, days, hours, minutes, seconds] = m;
  const hasTimePart = hours !== undefined || minutes !== undefined || seconds !== undefined;
  if (value.includes('T') && !hasTimePart) return false;
  return days !== undefined || hasTimePart;
}

/*
 * The same rules as regular expressions, for the service's OpenAPI document (a JSON Schema `pattern` is an
 * ECMA-262 regular expression). They carry the calendar too (month lengths, leap years), so a JSON Schema
 * validator accepts exactly what the functions above accept; a unit test compares the two on many values.
 */
const MONTH_DAY =
  '(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))';
/** Years divisible by 4 but not by 100, or by 400 (0000 is no year: Edm.Date starts at 0001). */
const LEAP_YEAR = '(?:\\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)';
const CALENDAR_DAY = `(?:(?!0000)\\d{4}-${MONTH_DAY}|${LEAP_YEAR}-02-29)`;
export const EDM_DATE_PATTERN = `^${CALENDAR_DAY}$`;
export const EDM_DATE_TIME_OFFSET_PATTERN = `^${CALENDAR_DAY}[Tt](?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,12})?)?(?:[Zz]|[+-](?:0\\d|1[0-4]):[0-5]\\d)$`;
export const EDM_DURATION_PATTERN = '^-?P(?!$)(?:\\d+D)?(?:T(?=\\d)(?:\\d+H)?(?:\\d+M)?(?:\\d+(?:\\.\\d+)?S)?)?$';

export const edmDate = formatted('Edm.Date', isEdmDate).meta({
  format: 'date',
  pattern: EDM_DATE_PATTERN,
  description: 'Edm.Date: YYYY-MM-DD, a real calendar day.',
});
export const edmDateTimeOffset = formatted('Edm.DateTimeOffset', isEdmDateTimeOffset).meta({
  format: 'date-time',
  pattern: EDM_DATE_TIME_OFFSET_PATTERN,
  description: 'Edm.DateTimeOffset: ISO 8601 date and time with Z or an offset; seconds and fraction optional.',
});
export const edmDuration = formatted('Edm.Duration', isEdmDuration).meta({
  format: 'duration',
  pattern: EDM_DURATION_PATTERN,
  description: 'Edm.Duration: an ISO 8601 day-time duration, [-]P[nD][T[nH][nM][n[.n]S]], at least one part.',
});

/** Edm.String with a length bound (Graph does not state one; an unbounded string is a cost, not a feature). */
export function edmString(maxLength = 1024) {
  const error = (issue: { input?: unknown }): string => literalMessage(issue.input, 'Edm.String');
  return z
    .string({ error })
    .max(maxLength, { error: `The value is longer than the maximum of ${maxLength} characters.` });
}

/** Edm.Int64 used as a count: a JSON integer (never a string), 0 ≤ n ≤ 2^53 − 1. */
export const edmCount = z
  .number({ error: (issue) => literalMessage(issue.input, 'Edm.Int64') })
  .int({ error: (issue) => literalMessage(issue.input, 'Edm.Int64') })
  .min(0, { error: 'A count cannot be negative.' })
  .max(Number.MAX_SAFE_INTEGER, { error: 'The value is larger than 9007199254740991.' });

export const ACTIVITY_TYPES = ['Email', 'Meeting', 'Focus', 'Chat', 'Call'] as const;
export type AnalyticsActivityType = (typeof ACTIVITY_TYPES)[number];

/** microsoft.graph.analyticsActivityType: case-sensitive member names, as in Graph's metadata. */
export const analyticsActivityType = z.enum(ACTIVITY_TYPES, {
  error: (issue) =>
    `${literalMessage(issue.input, 'microsoft.graph.analyticsActivityType')} Allowed values: ${ACTIVITY_TYPES.join(', ')}.`,
});

// eslint-disable-next-line no-control-regex
const FORBIDDEN_ID_CHARACTERS = /[/\\?#\u0000-\u001f\u007f-\u009f]/;
/** Whitespace as JavaScript (and the Cosmos DB SDK, which refuses an all-blank id) sees it. */
const EDGE_WHITESPACE = /^\s|\s$/;

/** What an id may be, in one sentence: the 400 for any other id says it. */
export const ENTITY_ID_RULE =
  "An id has 1 to 255 characters, none of / \\ ? # or control characters, no whitespace at either end, does not start with '$', and is not '.' or '..'.";

/**
 * An entity key the store can hold and a URL can address: 1–255 characters (UTF-16 units), well-formed
 * Unicode, none of `/ \ ? #` (Cosmos DB refuses them) or control characters, no whitespace at either end
 * (the SDK refuses an all-blank id, and edge blanks do not survive copy and paste), no leading `$` (OData
 * reserves such segments: `…/$count`, `…/$ref` name no entity), and not `.` or `..` (URL parsers resolve
 * those segments away, so such an entity could never be read or deleted).
 */
export function isEntityId(value: string): boolean {
  return (
    value.length >= 1 &&
    value.length <= 255 &&
    value.isWellFormed() &&
    !FORBIDDEN_ID_CHARACTERS.test(value) &&
    !EDGE_WHITESPACE.test(value) &&
    !value.startsWith('$') &&
    value !== '.' &&
    value !== '..'
  );
}

/**
 * `isEntityId` as a JSON Schema pattern (evaluated with the `u` flag, as JSON Schema validators do, so a lone
 * surrogate is one code point of the excluded range). The length bound is left to `minLength`/`maxLength`,
 * which count code points where the service counts UTF-16 units: the description says so.
 */
export const ENTITY_ID_PATTERN =
  '^(?!\\$)(?!\\.{1,2}$)(?!\\s)[^/\\\\?#\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\udfff]*(?<!\\s)$';

export const entityId = z
  .string({ error: (issue) => literalMessage(issue.input, 'Edm.String') })
  .refine(isEntityId, { error: ENTITY_ID_RULE })
  .meta({
    pattern: ENTITY_ID_PATTERN,
    minLength: 1,
    maxLength: 255,
    description: `${ENTITY_ID_RULE} The 255 are UTF-16 code units (a character outside the Basic Multilingual Plane counts two).`,
  });
