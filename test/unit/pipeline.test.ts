import { HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { DELEGATED_SCOPES } from '../../src/auth/permissions';
import { parseConfig } from '../../src/config';
import type { Operation, Services } from '../../src/http/operation';
import { operationHandler } from '../../src/http/pipeline';
import { UnauthenticatedError } from '../../src/errors';
import { NO_TELEMETRY } from '../../src/telemetry';
import { LocalInvocationContext } from '../../src/host/localRequest';

const config = parseConfig({});
const services = {
  config,
  authenticator: {
    authenticate: () =>
      Promise.resolve({
        tenantId: config.development.tenantId,
        userId: config.development.userId,
        scopes: new Set(DELEGATED_SCOPES),
        roles: new Set<string>(),
      }),
  },
  stores: {},
  telemetry: NO_TELEMETRY,
} as unknown as Services;

function operation(handle: Operation['handle']): Operation {
  return {
    name: 'probe',
    method: 'POST',
    route: 'beta/probe',
    hasBody: true,
    queryOptions: [],
    access: (principal) => ({
      requirement: { area: 'reports', access: 'write' },
      scope: { tenantId: principal.tenantId, owner: 'reports' },
    }),
    handle,
  };
}

function request(init: { body?: string; headers?: Record<string, string> } = {}): HttpRequest {
  return new HttpRequest({
    method: 'POST',
    url: 'http://localhost/beta/probe',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: { string: init.body ?? '{}' },
  });
}

function bodyText(response: HttpResponseInit): string {
  if (typeof response.body !== 'string') throw new Error('expected a string body');
  return response.body;
}

function context(logged: string[]): InvocationContext {
  return new InvocationContext({
    functionName: 'probe',
    logHandler: (_level, ...args) => logged.push(args.map(String).join(' ')),
  });
}

describe('pipeline', () => {
  it('answers an unexpected error 500 generalException, logs it with the request-id, and leaks nothing', async () => {
    const logged: string[] = [];
    const handler = operationHandler(
      operation(() => Promise.reject(new Error('SELECT * FROM c WHERE c.pk = "secret-internal-name"'))),
      () => Promise.resolve(services),
    );
    const response = await handler(request(), context(logged));
    expect(response.status).toBe(500);
    const body = bodyText(response);
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'generalException' } });
    expect(body).not.toContain('secret-internal-name');
    expect(body).not.toContain('SELECT');
    const headers = response.headers as Record<string, string>;
    expect(logged.join('\n')).toContain(`request-id ${headers['request-id']}`);
    expect(logged.join('\n')).toContain('secret-internal-name');
  });

  it('answers 500 when the services cannot be built (e.g. bad configuration)', async () => {
    const handler = operationHandler(
      operation(() => Promise.resolve({ status: 204 })),
      () => Promise.reject(new Error('COSMOS_ENDPOINT: required')),
    );
    const response = await handler(request(), context([]));
    expect(response.status).toBe(500);
    expect(bodyText(response)).not.toContain('COSMOS_ENDPOINT');
  });

  it('echoes a client-request-id and refuses a body that is not a JSON object', async () => {
    const handler = operationHandler(
      operation(() => Promise.resolve({ status: 204 })),
      () => Promise.resolve(services),
    );
    const response = await handler(
      request({ body: '[1,2]', headers: { 'client-request-id': 'abc-123' } }),
      context([]),
    );
    expect(response.status).toBe(400);
    expect((response.headers as Record<string, string>)['client-request-id']).toBe('abc-123');
  });

  it('logs one structured line per request at Information, the level the Functions host keeps by default', async () => {
    const lines: { level: string; text: string }[] = [];
    const handler = operationHandler(
      operation(() => Promise.resolve({ status: 204 })),
      () => Promise.resolve(services),
    );
    const response = await handler(
      request(),
      new InvocationContext({
        functionName: 'probe',
        logHandler: (level, ...args) => lines.push({ level, text: args.map(String).join(' ') }),
      }),
    );
    expect(lines.map((line) => line.level)).toEqual(['information']);
    expect(JSON.parse(lines[0]?.text ?? '')).toMatchObject({
      operation: 'probe',
      method: 'POST',
      status: 204,
      requestId: (response.headers as Record<string, string>)['request-id'],
    });
  });

  it("skips the Information line only for a local host's context that drops such lines", async () => {
    const handler = operationHandler(
      operation(() => Promise.resolve({ status: 204 })),
      () => Promise.resolve(services),
    );
    const levels = async (logsInformation: boolean) => {
      const lines: string[] = [];
      const context = new LocalInvocationContext({
        functionName: 'probe',
        invocationId: 'invocation-1',
        traceContext: {},
        logHandler: (level) => lines.push(level),
        logsInformation,
      });
      expect((await handler(request(), context)).status).toBe(204);
      return lines;
    };
    expect(await levels(true)).toEqual(['information']);
    expect(await levels(false)).toEqual([]);
  });

  it('runs an anonymous operation without authenticating or authorizing, and only such an operation', async () => {
    let authenticated = 0;
    const refusing = {
      ...services,
      authenticator: {
        authenticate: () => {
          authenticated += 1;
          return Promise.reject(new UnauthenticatedError('No token.', 'Bearer'));
        },
      },
    } as Services;
    const seen: unknown[] = [];
    const anonymous: Operation = {
      name: 'document',
      method: 'GET',
      route: 'beta/document',
      anonymous: true,
      hasBody: false,
      queryOptions: [],
      handle: (input) => {
        seen.push(Object.keys(input).sort());
        return Promise.resolve({ status: 200, text: { contentType: 'text/plain', content: 'ok' } });
      },
    };
    const get = new HttpRequest({ method: 'GET', url: 'http://localhost/beta/document' });
    const answered = await operationHandler(anonymous, () => Promise.resolve(refusing))(get, context([]));
    expect(answered.status).toBe(200);
    expect(authenticated).toBe(0);
    // No principal and no partition reach it.
    expect(seen).toEqual([['body', 'budget', 'headers', 'invocation', 'params', 'query', 'services', 'url']]);
    const refused = await operationHandler(
      operation(() => Promise.resolve({ status: 204 })),
      () => Promise.resolve(refusing),
    )(request(), context([]));
    expect(refused.status).toBe(401);
    expect(authenticated).toBe(1);
  });
});
