/**
 * The local host's request object: what a handler reads from it is what `@azure/functions`' own
 * `HttpRequest` would give for the same Node request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { LocalHeaders, LocalRequest } from '../../src/host/localRequest';

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
});
