/**
 * The local host's request object: what a handler reads from it is what `@azure/functions`' own
 * `HttpRequest` would give for the same Node request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { HttpRequest, InvocationContext, type LogLevel } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { LocalHeaders, LocalInvocationContext, LocalRequest } from '../../src/host/localRequest';

const parsed: IncomingHttpHeaders = {
  host: 'localhost:7071',
  'content-type': 'application/json',
  accept: 'application/json',
  'x-forwarded-for': 'a',
  'set-cookie': ['a=1', 'b=2'],
};

describe('LocalHeaders', () => {
  it('reads names in any case, joins repeated values, and lists names in order', () => {
    const headers = new LocalHeaders(parsed);
    expect(headers.get('Content-Type')).toBe('application/json');
    expect(headers.get('missing')).toBeNull();
    expect(headers.has('HOST')).toBe(true);
    expect(headers.get('set-cookie')).toBe('a=1, b=2');
    expect(headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect([...headers.keys()]).toEqual(['accept', 'content-type', 'host', 'set-cookie', 'x-forwarded-for']);
  });

  it('changes a copy, never the request it reads', () => {
    const source = { ...parsed };
    const headers = new LocalHeaders(source);
    headers.set('Accept', 'text/csv');
    headers.append('x-forwarded-for', 'b');
    headers.delete('host');
    expect([...headers]).toEqual([
      ['accept', 'text/csv'],
      ['content-type', 'application/json'],
      ['set-cookie', 'a=1, b=2'],
      ['x-forwarded-for', 'a, b'],
    ]);
    expect(source).toEqual(parsed);
  });
});

describe('LocalRequest', () => {
  const init = {
    method: 'POST',
    url: 'http://localhost:7071/beta/x?$top=2&a=b',
    headers: parsed,
    params: { id: '1' },
    body: Buffer.from('{"é":1}'),
  };

  it("answers as @azure/functions' HttpRequest does for the same request", async () => {
    const local = new LocalRequest(init);
    const reference = new HttpRequest({
      method: init.method,
      url: init.url,
      headers: { 'content-type': 'application/json' },
      params: init.params,
      body: { bytes: init.body },
    });
    expect(local.query.get('$top')).toBe(reference.query.get('$top'));
    expect(local.params).toEqual(reference.params);
    expect(await local.clone().json()).toEqual(await reference.clone().json());
    expect(Buffer.from(await local.arrayBuffer())).toEqual(Buffer.from(await reference.arrayBuffer()));
    expect(local.bodyUsed).toBe(true);
    await expect(local.text()).rejects.toThrow(TypeError);
    expect(await new Response(local.clone().body).text()).toBe('{"é":1}');
  });

  it('parses its URL once, or takes the one the host parsed', () => {
    const local = new LocalRequest(init);
    expect(local.parsedUrl.href).toBe(init.url);
    expect(local.parsedUrl).toBe(local.parsedUrl);
    const parsedUrl = new URL(init.url);
    expect(new LocalRequest({ ...init, parsedUrl }).parsedUrl).toBe(parsedUrl);
  });
});

describe('LocalInvocationContext', () => {
  it("logs, names and traces as @azure/functions' InvocationContext does", () => {
    const logged: [string, LogLevel, unknown[]][] = [];
    const init = {
      functionName: 'getThing',
      invocationId: 'b5c6e0f2-3f0e-4f55-9d1e-0c5d2b1a9e77',
      traceContext: { traceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    };
    const local = new LocalInvocationContext({
      ...init,
      logHandler: (level, ...args) => logged.push(['local', level, args]),
    });
    const reference = new InvocationContext({
      ...init,
      logHandler: (level, ...args) => logged.push(['reference', level, args]),
    });
    for (const context of [local, reference]) {
      context.log('a', 1);
      context.trace('b');
      context.debug('c');
      context.info('d', { e: 2 });
      context.warn('f');
      context.error('g');
    }
    const of = (who: string) => logged.filter(([w]) => w === who).map(([, level, args]) => [level, args]);
    expect(of('local')).toEqual(of('reference'));
    expect(of('local').map(([level]) => level)).toEqual([
      'information',
      'trace',
      'debug',
      'information',
      'warning',
      'error',
    ]);
    for (const name of ['invocationId', 'functionName', 'traceContext', 'retryContext', 'options'] as const) {
      expect(local[name], name).toEqual(reference[name]);
    }
    local.extraOutputs.set('out', 1);
    expect(local.extraOutputs.get({ name: 'out' } as never)).toBe(1);
    expect(local.extraInputs.get('out')).toBeUndefined();
  });
});
