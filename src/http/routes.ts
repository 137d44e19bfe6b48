/**
 * Azure Functions route templates (`beta/users/{userId}/…`, `{*rest}`), matched the way the Functions host
 * matches them: literals case-insensitively, a literal segment before a parameter, a trailing slash ignored.
 * The local host routes with this, and so does the catch-all function that answers 404 and 405.
 */
import { BadRequestError } from '../errors';

interface Segment {
  /** Matches one decoded path segment; absent for a catch-all, which takes the rest of the path. */
  readonly regex: RegExp | undefined;
  readonly names: readonly string[];
  /** Literal 3, literal with parameters 2, parameter 1, catch-all 0: the more specific wins. */
  readonly rank: number;
}

export interface CompiledRoute {
  readonly template: string;
  readonly segments: readonly Segment[];
  readonly ranks: readonly number[];
  /** Ends with a catch-all segment (`{*rest}`). */
  readonly catchAll: boolean;
}

const PARAMETER = /\{(\*?)([A-Za-z][A-Za-z0-9_]*)\}/g;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileSegment(segment: string): Segment {
  const names: string[] = [];
  let pattern = '';
  let last = 0;
  for (const match of segment.matchAll(PARAMETER)) {
    if (match[1] === '*') return { regex: undefined, names: [match[2] ?? ''], rank: 0 };
    pattern += `${escapeRegex(segment.slice(last, match.index))}(.+?)`;
    names.push(match[2] ?? '');
    last = match.index + match[0].length;
  }
  pattern += escapeRegex(segment.slice(last));
  let rank = 3;
  if (names.length > 0) rank = pattern === '(.+?)' ? 1 : 2;
  return { regex: new RegExp(`^${pattern}$`, 'i'), names, rank };
}

export function compileRoute(template: string): CompiledRoute {
  const segments = template.split('/').map(compileSegment);
  return { template, segments, ranks: segments.map((s) => s.rank), catchAll: segments.at(-1)?.regex === undefined };
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new BadRequestError('The request URL is not correctly percent-encoded.');
  }
}

/** A request path split into its segments (without a trailing slash), each decoded once when first needed. */
interface PathSegments {
  readonly raw: readonly string[];
  /** Every segment decoded, when all of them decode (the usual case); undefined otherwise. */
  readonly decoded: readonly string[] | undefined;
}

function segmentsOf(pathname: string): PathSegments {
  const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  const raw = path.split('/');
  let decoded: string[] | undefined = [];
  for (const part of raw) {
    try {
      // Only a '%' starts an escape: a segment without one decodes to itself.
      decoded.push(part.includes('%') ? decodeURIComponent(part) : part);
    } catch {
      decoded = undefined;
      break;
    }
  }
  return { raw, decoded };
}

function matchSegments(route: CompiledRoute, path: PathSegments): Record<string, string> | undefined {
  const { raw, decoded } = path;
  // With every segment decodable, a route of another length (and no catch-all) cannot match: skip it. With
  // one that does not decode, go segment by segment, so that the 400 comes where a route reaches it.
  if (decoded !== undefined && !route.catchAll && raw.length !== route.segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < route.segments.length; index += 1) {
    const segment = route.segments[index];
    if (segment === undefined) break;
    if (segment.regex === undefined) {
      params[segment.names[0] ?? ''] = (decoded?.slice(index) ?? raw.slice(index).map(decode)).join('/');
      return params;
    }
    const part = raw[index];
    if (part === undefined) return undefined;
    const match = segment.regex.exec(decoded?.[index] ?? decode(part));
    if (match === null) return undefined;
    segment.names.forEach((name, i) => {
      params[name] = match[i + 1] ?? '';
    });
  }
  return raw.length === route.segments.length ? params : undefined;
}

/**
 * The parameters if `pathname` (without its leading slash, percent-encoded) matches. Segments are decoded
 * before matching, as the Functions host does, so `%27` matches a `'` of the template.
 */
export function matchRoute(route: CompiledRoute, pathname: string): Record<string, string> | undefined {
  return matchSegments(route, segmentsOf(pathname));
}

/** Negative when `a` is more specific than `b`. */
export function compareSpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.max(a.ranks.length, b.ranks.length);
  for (let i = 0; i < length; i += 1) {
    const difference = (b.ranks[i] ?? -1) - (a.ranks[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

export interface Routable {
  readonly method: string;
  readonly route: string;
  /** Other templates of the same target (OData's canonical and namespace-qualified forms of a function). */
  readonly aliases?: readonly string[];
}

export type RouteMatch<T extends Routable> =
  | { readonly kind: 'found'; readonly target: T; readonly params: Record<string, string> }
  | { readonly kind: 'methodNotAllowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'notFound' };

/** A routing table over Functions route templates, most specific first. */
export class RouteTable<T extends Routable> {
  private readonly entries: readonly { readonly target: T; readonly route: CompiledRoute }[];

  constructor(targets: readonly T[]) {
    this.entries = targets
      .flatMap((target) =>
        [target.route, ...(target.aliases ?? [])].map((route) => ({ target, route: compileRoute(route) })),
      )
      .sort((a, b) => compareSpecificity(a.route, b.route));
  }

  /** `pathname` is the URL path without the leading slash, as the host sees it (percent-encoded). */
  match(method: string, pathname: string): RouteMatch<T> {
    const allowed = new Set<string>();
    const path = segmentsOf(pathname);
    const upper = method.toUpperCase();
    for (const { target, route } of this.entries) {
      const params = matchSegments(route, path);
      if (params === undefined) continue;
      if (target.method === upper) return { kind: 'found', target, params };
      allowed.add(target.method);
    }
    return allowed.size > 0 ? { kind: 'methodNotAllowed', allowed: [...allowed].sort() } : { kind: 'notFound' };
  }
}
