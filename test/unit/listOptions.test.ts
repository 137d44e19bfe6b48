import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors';
import { activityStatistics } from '../../src/model/activityStatistics';
import { encodeSkipToken, nextLink, parseListOptions } from '../../src/odata/listOptions';

const shape = activityStatistics.query;

function parse(query: string) {
  return parseListOptions(new URLSearchParams(query), shape);
}

function refusedOption(query: string): string | undefined {
  try {
    parse(query);
  } catch (error) {
    if (error instanceof BadRequestError) return error.details[0]?.target;
    throw error;
  }
  throw new Error(`expected '${query}' to be refused`);
}

describe('list options', () => {
  it('has defaults', () => {
    expect(parse('')).toEqual({
      top: undefined,
      continuation: undefined,
      tokenPageSize: undefined,
      count: false,
      select: undefined,
      orderBy: undefined,
      filter: undefined,
    });
  });

  it('reads $top, $count, $select and $orderby', () => {
    expect(parse('$top=999&$count=true&$select=startDate,afterHours&$orderby=startDate desc')).toMatchObject({
      top: 999,
      count: true,
      select: ['startDate', 'afterHours'],
      orderBy: { property: 'startDate', descending: true },
    });
  });

  it.each([
    ['$top=0', '$top'],
    ['$top=1000', '$top'],
    ['$top=ten', '$top'],
    ['$top=1&$top=2', '$top'],
    ['$count=yes', '$count'],
    ['$select=color', '$select'],
    ['$select=', '$select'],
    ['$orderby=duration', '$orderby'],
    ['$orderby=startDate,endDate', '$orderby'],
    ['$orderby=startDate sideways', '$orderby'],
    ['$skiptoken=not-a-token', '$skiptoken'],
  ])('refuses %s, naming %s', (query, option) => {
    expect(refusedOption(query)).toBe(option);
  });

  it('takes a $skiptoken only with the $filter and $orderby it was made for', () => {
    const made = new URLSearchParams("$filter=activity eq 'Call'&$orderby=startDate");
    const token = encodeSkipToken('cosmos-continuation', made, 25);
    expect(parse(`${made.toString()}&$skiptoken=${token}`)).toMatchObject({
      continuation: 'cosmos-continuation',
      tokenPageSize: 25,
    });
    expect(refusedOption(`$filter=activity eq 'Chat'&$orderby=startDate&$skiptoken=${token}`)).toBe('$skiptoken');
    expect(refusedOption(`$filter=activity eq 'Call'&$skiptoken=${token}`)).toBe('$skiptoken');
  });

  it('builds the next link from the same options and a new token', () => {
    const url = new URL(
      "https://api.example.net/beta/me/analytics/activityStatistics?$top=5&$filter=activity eq 'Call'&$skiptoken=old",
    );
    const link = new URL(nextLink(url, 'next-continuation', 5));
    expect(link.pathname).toBe('/beta/me/analytics/activityStatistics');
    expect(link.searchParams.get('$top')).toBe('5');
    expect(link.searchParams.get('$filter')).toBe("activity eq 'Call'");
    expect(link.searchParams.getAll('$skiptoken')).toHaveLength(1);
    expect(parseListOptions(link.searchParams, shape).continuation).toBe('next-continuation');
  });
});
