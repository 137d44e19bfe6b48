/**
 * The query options of a collection GET: `$top`, `$skiptoken`, `$count`, `$select`, `$orderby`, `$filter`.
 * Paging follows the database's continuation tokens (never OFFSET): `$skiptoken` is one, wrapped with a
 * fingerprint of the filter and ordering it belongs to.
 */
import { createHash } from 'node:crypto';
import { BadRequestError } from '../errors';
import { type FilterExpression, type Queryable, parseFilter } from './filter';

export const LIST_OPTIONS = ['$top', '$skiptoken', '$count', '$select', '$orderby', '$filter'] as const;
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 999;

export interface OrderBy {
  readonly property: string;
  readonly descending: boolean;
}

export interface ListOptions {
  /** `$top`, when given: the page size. */
  readonly top: number | undefined;
  readonly continuation: string | undefined;
  /** The page size the `$skiptoken` was issued with (so later pages keep it without the client's Prefer). */
  readonly tokenPageSize: number | undefined;
  readonly count: boolean;
  readonly select: readonly string[] | undefined;
  readonly orderBy: OrderBy | undefined;
  readonly filter: FilterExpression | undefined;
}

/** What a resource lets clients query: filterable/orderable properties, and which names `$select` takes. */
export interface QueryShape {
  readonly queryable: Queryable;
  isSelectable(name: string): boolean;
}

function optionError(option: string, message: string): BadRequestError {
  return new BadRequestError(`Invalid ${option}: ${message}`, [
    { code: 'invalidQueryOption', target: option, message },
  ]);
}

/** The one value of an option (OData names are case-insensitive); two values are a 400. */
function single(query: URLSearchParams, option: string): string | undefined {
  const values = [...query.entries()].filter(([name]) => name.toLowerCase() === option).map(([, value]) => value);
  if (values.length > 1) throw optionError(option, 'the option is given more than once.');
  return values[0];
}

function parseTop(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > MAX_PAGE_SIZE) {
    throw optionError('$top', `'${value.slice(0, 20)}' is not a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  }
  return Number(value);
}

function parseCount(value: string | undefined): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw optionError('$count', "it takes 'true' or 'false'.");
}

function parseSelect(value: string | undefined, shape: QueryShape): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((name) => name.trim());
  for (const name of names) {
    if (name === '' || !shape.isSelectable(name))
      throw optionError('$select', `'${name.slice(0, 64)}' cannot be selected.`);
  }
  return [...new Set(names)];
}

function parseOrderBy(value: string | undefined, shape: QueryShape): OrderBy | undefined {
  if (value === undefined) return undefined;
  const clauses = value.split(',').map((clause) => clause.trim());
  if (clauses.length > 1) throw optionError('$orderby', 'ordering by more than one property is not supported.');
  const match = /^([A-Za-z_][A-Za-z0-9_/]*)(?:\s+(asc|desc))?$/.exec(clauses[0] ?? '');
  const property = match?.[1];
  if (property === undefined || shape.queryable[property] === undefined) {
    throw optionError(
      '$orderby',
      `'${(clauses[0] ?? '').slice(0, 64)}' is not a property this collection can be ordered by.`,
    );
  }
  return { property, descending: match?.[2] === 'desc' };
}

/** Identifies the query a continuation token belongs to: a token is refused with any other. */
function fingerprint(filter: string | undefined, orderBy: string | undefined): string {
  return createHash('sha256')
    .update(JSON.stringify([filter ?? '', orderBy ?? '']))
    .digest('base64url')
    .slice(0, 16);
}

export function encodeSkipToken(continuation: string, query: URLSearchParams, pageSize: number): string {
  const token = { c: continuation, h: fingerprint(single(query, '$filter'), single(query, '$orderby')), n: pageSize };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeSkipToken(
  value: string | undefined,
  query: URLSearchParams,
): { continuation: string; pageSize: number | undefined } | undefined {
  if (value === undefined) return undefined;
  let token: unknown;
  try {
    token = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw optionError('$skiptoken', 'the token is not one this service issued.');
  }
  if (typeof token !== 'object' || token === null)
    throw optionError('$skiptoken', 'the token is not one this service issued.');
  const { c, h, n } = token as { c?: unknown; h?: unknown; n?: unknown };
  if (typeof c !== 'string' || typeof h !== 'string') {
    throw optionError('$skiptoken', 'the token is not one this service issued.');
  }
  if (h !== fingerprint(single(query, '$filter'), single(query, '$orderby'))) {
    throw optionError('$skiptoken', 'the token belongs to another $filter or $orderby.');
  }
  const pageSize = typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_PAGE_SIZE ? n : undefined;
  return { continuation: c, pageSize };
}

export function parseListOptions(query: URLSearchParams, shape: QueryShape): ListOptions {
  const filter = single(query, '$filter');
  const token = decodeSkipToken(single(query, '$skiptoken'), query);
  return {
    top: parseTop(single(query, '$top')),
    continuation: token?.continuation,
    tokenPageSize: token?.pageSize,
    count: parseCount(single(query, '$count')),
    select: parseSelect(single(query, '$select'), shape),
    orderBy: parseOrderBy(single(query, '$orderby'), shape),
    filter: filter === undefined ? undefined : parseFilter(filter, shape.queryable),
  };
}

/** `$filter` alone, for a collection's `/$count`. */
export function parseFilterOption(query: URLSearchParams, shape: QueryShape): FilterExpression | undefined {
  const filter = single(query, '$filter');
  return filter === undefined ? undefined : parseFilter(filter, shape.queryable);
}

/** `$select` alone, for a GET of one entity. */
export function parseSelectOption(query: URLSearchParams, shape: QueryShape): readonly string[] | undefined {
  return parseSelect(single(query, '$select'), shape);
}

/** The next page's link: the same options, with the new `$skiptoken` (which keeps the page size). */
export function nextLink(url: URL, continuation: string, pageSize: number): string {
  const params = [...url.searchParams.entries()].filter(([name]) => name.toLowerCase() !== '$skiptoken');
  params.push(['$skiptoken', encodeSkipToken(continuation, url.searchParams, pageSize)]);
  const query = params
    .map(([name, value]) => `${encodeURIComponent(name).replace(/^%24/, '$')}=${encodeURIComponent(value)}`)
    .join('&');
  return `${url.origin}${url.pathname}?${query}`;
}
