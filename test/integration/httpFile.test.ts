/**
 * Runs `api.http` against the local host, request by request, as an HTTP client would: every request
 * succeeds, and together they exercise every operation of the table.
 */
import { describe, expect, it } from 'vitest';
import { DELEGATED_SCOPES } from '../../src/auth/permissions';
import { RouteTable } from '../../src/http/routes';
import { OPERATIONS } from '../../src/operations';
import { runHttpFile } from '../support/httpFile';
import { DEV_TENANT, DEV_USER, useTestHost } from '../support/testHost';

const api = useTestHost();

describe('api.http', () => {
  it('runs against the local host and exercises every operation', async () => {
    const token = await api.token({ tenantId: DEV_TENANT, userId: DEV_USER, scopes: DELEGATED_SCOPES });
    const table = new RouteTable(OPERATIONS);
    const exercised = new Set<string>();
    for (const { request, url, response } of await runHttpFile(`${api.url}/beta`, token)) {
      expect(`${request.title}: ${response.status}`).toBe(
        `${request.title}: ${response.ok ? response.status : 'a 2xx status'}`,
      );
      const match = table.match(request.method, url.pathname.slice(1));
      if (match.kind === 'found') exercised.add(match.target.name);
    }
    expect([...exercised].sort()).toEqual(OPERATIONS.map((op) => op.name).sort());
  });
});
