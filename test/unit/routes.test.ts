import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors';
import { RouteTable, compareSpecificity, compileRoute, matchRoute } from '../../src/http/routes';
import { OPERATIONS } from '../../src/operations';

describe('route templates', () => {
  it('matches parameters, decodes them, ignores a trailing slash and the case of literals', () => {
    const route = compileRoute('beta/users/{userId}/analytics/activityStatistics/{id}');
    expect(matchRoute(route, 'beta/users/u1/analytics/activityStatistics/a%20b')).toEqual({ userId: 'u1', id: 'a b' });
    expect(matchRoute(route, 'BETA/Users/u1/Analytics/ActivityStatistics/x/')).toEqual({ userId: 'u1', id: 'x' });
    expect(matchRoute(route, 'beta/users/u1/analytics/activityStatistics')).toBeUndefined();
    expect(matchRoute(route, 'beta/users/u1/x/analytics/activityStatistics/y')).toBeUndefined();
  });

  it('matches parameters inside a segment and catch-alls', () => {
    expect(
      matchRoute(
        compileRoute("beta/reports/getOffice365ActiveUserCounts(period='{period}')"),
        "beta/reports/getOffice365ActiveUserCounts(period='D7')",
      ),
    ).toEqual({
      period: 'D7',
    });
    expect(matchRoute(compileRoute('{*path}'), 'a/b/c')).toEqual({ path: 'a/b/c' });
  });

  it('decodes segments before matching literals (a client may encode quotes or $)', () => {
    const route = compileRoute("beta/reports/getOffice365ActiveUserCounts(period='{period}')");
    expect(matchRoute(route, 'beta/reports/getOffice365ActiveUserCounts(period=%27D30%27)')).toEqual({ period: 'D30' });
    expect(matchRoute(compileRoute('beta/items/$ref'), 'beta/items/%24ref')).toEqual({});
  });

  it('keeps an encoded slash inside its segment (and the id check refuses it later)', () => {
    expect(matchRoute(compileRoute('beta/items/{id}'), 'beta/items/a%2Fb')).toEqual({ id: 'a/b' });
    expect(matchRoute(compileRoute('beta/items/{id}'), 'beta/items/a/b')).toBeUndefined();
  });

  it('refuses a malformed percent-encoding with 400', () => {
    expect(() => matchRoute(compileRoute('beta/{id}'), 'beta/%E0%A4%A')).toThrow(BadRequestError);
  });
});

describe('route table', () => {
  const table = new RouteTable([
    { method: 'GET', route: 'beta/items/{id}', name: 'byId' },
    { method: 'POST', route: 'beta/items/$ref', name: 'ref' },
    { method: 'GET', route: 'beta/{*path}', name: 'any' },
  ]);

  it('prefers literal segments over parameters, and parameters over catch-alls', () => {
    const ref = table.match('POST', 'beta/items/$ref');
    expect(ref.kind === 'found' && ref.target.name).toBe('ref');
    const byId = table.match('GET', 'beta/items/42');
    expect(byId.kind === 'found' && byId.target.name).toBe('byId');
    const any = table.match('GET', 'beta/other');
    expect(any.kind === 'found' && any.target.name).toBe('any');
  });

  it('answers methodNotAllowed with the allowed methods, and notFound', () => {
    expect(table.match('DELETE', 'beta/items/42')).toEqual({ kind: 'methodNotAllowed', allowed: ['GET'] });
    expect(new RouteTable(OPERATIONS).match('GET', 'beta/nothing/here')).toEqual({ kind: 'notFound' });
  });

  it('places every route and alias of every operation at that operation, whatever order the host tries them in', () => {
    const table = new RouteTable(OPERATIONS);
    for (const operation of OPERATIONS) {
      for (const route of [operation.route, ...(operation.aliases ?? [])]) {
        const path = route.replace(/\{[A-Za-z]+\}/g, 'x1');
        const match = table.match(operation.method, path);
        expect(match.kind === 'found' ? match.target.name : match.kind, path).toBe(operation.name);
      }
    }
  });

  it('lets a route overlap another of its method only where a literal segment beats a parameter', () => {
    for (const operation of OPERATIONS) {
      const path = operation.route.replace(/\{[A-Za-z]+\}/g, 'x1');
      const claimants = OPERATIONS.filter(
        (other) => other.method === operation.method && matchRoute(compileRoute(other.route), path) !== undefined,
      );
      for (const other of claimants.filter((c) => c !== operation)) {
        // The other claims this path with a parameter where this route has a literal ('$count', '$ref').
        expect(compareSpecificity(compileRoute(operation.route), compileRoute(other.route)), other.name).toBeLessThan(
          0,
        );
      }
    }
  });
});
