import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors';
import { compileFilter, normalizeDateTimeOffset, parseFilter } from '../../src/odata/filter';
import { activityStatistics } from '../../src/model/activityStatistics';
import { itemActivity } from '../../src/model/itemActivity';
import { office365ActivationCounts } from '../../src/model/reportRows';

const statistics = activityStatistics.query.queryable;
const rows = office365ActivationCounts.query.queryable;

function sql(filter: string, queryable = statistics) {
  return compileFilter(parseFilter(filter, queryable), queryable);
}

function refusal(filter: string, queryable = statistics): string {
  try {
    parseFilter(filter, queryable);
  } catch (error) {
    if (error instanceof BadRequestError) {
      expect(error.details[0]?.target).toBe('$filter');
      return error.message;
    }
    throw error;
  }
  throw new Error(`expected '${filter}' to be refused`);
}

describe('$filter compiles to parameterized SQL', () => {
  it('compares a property with a parameter, never with the literal text', () => {
    const result = sql("timeZoneUsed eq 'UTC'");
    expect(result.text).toBe(
      '(IS_DEFINED(c.data.timeZoneUsed) AND NOT IS_NULL(c.data.timeZoneUsed) AND c.data.timeZoneUsed = @f0)',
    );
    expect(result.parameters).toEqual([{ name: '@f0', value: 'UTC' }]);
  });

  it('keeps an injection attempt inside a parameter', () => {
    const result = sql("timeZoneUsed eq 'x'' OR 1=1 --'");
    expect(result.text).not.toContain('1=1');
    expect(result.parameters[0]?.value).toBe("x' OR 1=1 --");
  });

  it('binds and tighter than or, honours parentheses and not', () => {
    expect(
      parseFilter("activity eq 'Call' or activity eq 'Chat' and startDate ge 2020-01-01", statistics),
    ).toMatchObject({
      kind: 'or',
      right: { kind: 'and' },
    });
    expect(
      parseFilter("(activity eq 'Call' or activity eq 'Chat') and startDate ge 2020-01-01", statistics),
    ).toMatchObject({
      kind: 'and',
      left: { kind: 'or' },
    });
    expect(sql("not (activity eq 'Call')").text).toMatch(/^\(NOT \(IS_DEFINED/);
  });

  it('gives ne and null two-valued meaning', () => {
    expect(sql('timeZoneUsed eq null').text).toBe(
      '(NOT IS_DEFINED(c.data.timeZoneUsed) OR IS_NULL(c.data.timeZoneUsed))',
    );
    expect(sql('timeZoneUsed ne null').text).toBe(
      '(NOT (NOT IS_DEFINED(c.data.timeZoneUsed) OR IS_NULL(c.data.timeZoneUsed)))',
    );
    expect(sql("timeZoneUsed ne 'UTC'").text).toMatch(/^\(NOT \(IS_DEFINED/);
  });

  it('checks literals against the property type', () => {
    expect(sql('startDate ge 2019-06-16 and endDate le 2019-06-30').parameters.map((p) => p.value)).toEqual([
      '2019-06-16',
      '2019-06-30',
    ]);
    expect(sql("startDate eq '2019-06-16'").parameters[0]?.value).toBe('2019-06-16');
    expect(sql('windows gt 5', rows).parameters[0]?.value).toBe(5);
    expect(sql("activity eq microsoft.graph.analyticsActivityType'Email'").parameters[0]?.value).toBe('Email');
    expect(refusal("activity eq 'call'")).toMatch(/not a valid value for 'activity'/);
    expect(refusal('startDate ge 2019-02-30')).toMatch(/not a valid Date/);
    expect(refusal("windows gt '5'", rows)).toMatch(/not a valid value/);
    expect(refusal('windows gt 5.5', rows)).toMatch(/not a valid value/);
    expect(refusal('startDate gt null')).toMatch(/null can only be compared/);
  });

  it('normalizes DateTimeOffset literals to UTC, as the store keeps them', () => {
    const result = compileFilter(
      parseFilter('activityDateTime ge 2017-01-01T00:02:10+03:00', itemActivity.query.queryable),
      itemActivity.query.queryable,
    );
    expect(result.parameters[0]?.value).toBe('2016-12-31T21:02:10.0000000Z');
    expect(result.text).toContain('c.idx.activityDateTime');
  });

  it.each([
    ['', /empty/],
    ['color eq 1', /'color' cannot be filtered on/],
    ['duration eq 1', /'duration' cannot be filtered on/],
    ["startswith(timeZoneUsed, 'U')", /function 'startswith' is not supported/],
    ["timeZoneUsed has 'U'", /expected one of eq, ne/],
    ["timeZoneUsed eq 'open", /unexpected text/],
    ["(activity eq 'Call'", /'\)' is missing/],
    ["activity eq 'Call')", /unexpected '\)'/],
    ["activity eq 'Call' activity", /unexpected 'activity'/],
    ["'Call' eq activity", /expected a property name/],
    [`${'('.repeat(20)}activity eq 'Call'${')'.repeat(20)}`, /nested deeper/],
    [`timeZoneUsed eq '${'x'.repeat(3000)}'`, /longer than/],
  ])('refuses %j', (filter, message) => {
    expect(refusal(filter)).toMatch(message);
  });
});

describe('DateTimeOffset normalization', () => {
  it('orders instants, whatever their offset', () => {
    expect(normalizeDateTimeOffset('2017-01-01T00:02:10.8639373+03:00')).toBe('2016-12-31T21:02:10.8639373Z');
    expect(normalizeDateTimeOffset('2017-01-01T00:02Z')).toBe('2017-01-01T00:02:00.0000000Z');
    expect(
      normalizeDateTimeOffset('2016-12-31T22:00:00-01:00') > normalizeDateTimeOffset('2016-12-31T21:02:10.8639373Z'),
    ).toBe(true);
  });
});
