/**
 * The Functions entry in Azure (WEBSITE_INSTANCE_ID set) without identity settings: the development issuer
 * is refused, every request answers 500 without detail, and the log names the missing setting.
 */
import { HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerFor, healthRouteHandler, unmatchedRouteHandler } from '../../src/host/azure';

// The entry reads the environment on its first request, not at import.
const saved = { ...process.env };
beforeAll(() => {
  process.env.WEBSITE_INSTANCE_ID = 'instance-1';
  process.env.COSMOS_ENDPOINT = 'https://account.documents.azure.com:443/';
  delete process.env.AUTH_AUDIENCE;
  delete process.env.COSMOS_KEY;
});
afterAll(() => {
  process.env = saved;
});

describe('Functions entry in Azure without identity settings', () => {
  it('refuses the development issuer: 500 to the caller, the reason in the log', async () => {
    const logged: string[] = [];
    const context = new InvocationContext({
      functionName: 'createOffice365ActivationCounts',
      logHandler: (_l, ...args) => logged.push(args.map(String).join(' ')),
    });
    const request = new HttpRequest({
      method: 'POST',
      url: 'https://api.example.net/beta/reports/office365ActivationCounts',
      body: { string: '{}' },
    });
    const response: HttpResponseInit = await handlerFor('createOffice365ActivationCounts')(request, context);
    expect(response.status).toBe(500);
    expect(typeof response.body === 'string' ? response.body : '').toMatch(/generalException/);
    expect(response.body).not.toContain('AUTH_AUDIENCE');
    expect(logged.join('\n')).toContain(
      'AUTH_AUDIENCE: required in Azure; the development issuer is never trusted there',
    );
  });

  it('is not ready: GET /health answers 503 without detail, whichever function the host offers it to', async () => {
    const logged: string[] = [];
    const context = new InvocationContext({
      functionName: 'health',
      logHandler: (_l, ...args) => logged.push(args.map(String).join(' ')),
    });
    for (const handler of [healthRouteHandler, unmatchedRouteHandler]) {
      const request = new HttpRequest({ method: 'GET', url: 'https://api.example.net/health' });
      const response: HttpResponseInit = await handler(request, context);
      expect(response.status).toBe(503);
      expect((response.headers as Record<string, string>)['Retry-After']).toBe('5');
      expect(response.body).toBe('{"status":"unavailable"}');
    }
    expect(logged.join('\n')).toMatch(/not ready: Invalid configuration: .*AUTH_AUDIENCE/);
  });
});
