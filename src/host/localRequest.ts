/**
 * The local host's `HttpRequest`: what `@azure/functions` gives a handler, read straight from Node's request
 * (headers as Node parsed them, the body already read) instead of through an undici `Request` per call,
 * which cost the local host more than the rest of its own work per request. The rarely used parts (the body
 * as a stream, form data, a clone) are made on demand from the same bytes.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { HttpRequest, HttpRequestParams, HttpRequestUser } from '@azure/functions';

/** Node's parsed headers as a `Headers`: names are lower-case already, repeated ones joined with ", ". */
export class LocalHeaders implements Headers {
  private readonly fields = new Map<string, string>();

  constructor(headers: IncomingHttpHeaders) {
    for (const name of Object.keys(headers).sort()) {
      const value = headers[name];
      if (value !== undefined) this.fields.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get(name: string): string | null {
    return this.fields.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.fields.has(name.toLowerCase());
  }

  set(name: string, value: string): void {
    this.fields.set(name.toLowerCase(), value);
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const current = this.fields.get(key);
    this.fields.set(key, current === undefined ? value : `${current}, ${value}`);
  }

  delete(name: string): void {
    this.fields.delete(name.toLowerCase());
  }

  getSetCookie(): string[] {
    const value = this.fields.get('set-cookie');
    return value === undefined ? [] : [value];
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this.fields) callback.call(thisArg, value, name, this);
  }

  entries(): MapIterator<[string, string]> {
    return this.fields.entries();
  }

  keys(): MapIterator<string> {
    return this.fields.keys();
  }

  values(): MapIterator<string> {
    return this.fields.values();
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.fields.entries();
  }
}

export interface LocalRequestInit {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly params: HttpRequestParams;
  readonly body: Buffer;
}

export class LocalRequest implements HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly params: HttpRequestParams;
  readonly user: HttpRequestUser | null = null;
  private readonly bytes: Buffer;
  private used = false;
  private parsedQuery: URLSearchParams | undefined;

  constructor(private readonly init: LocalRequestInit) {
    this.method = init.method;
    this.url = init.url;
    this.headers = new LocalHeaders(init.headers);
    this.params = init.params;
    this.bytes = init.body;
  }

  get query(): URLSearchParams {
    this.parsedQuery ??= new URL(this.url).searchParams;
    return this.parsedQuery;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.bytes.length === 0 ? null : new Blob([this.bytes]).stream();
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  private consume(): Buffer {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    return this.bytes;
  }

  readonly arrayBuffer = (): Promise<ArrayBuffer> => {
    const bytes = this.consume();
    return Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
  };

  readonly text = (): Promise<string> => Promise.resolve(this.consume().toString('utf8'));

  readonly json = async (): Promise<unknown> => JSON.parse(await this.text()) as unknown;

  readonly blob = (): Promise<Blob> => Promise.resolve(new Blob([this.consume()]));

  readonly formData = (): Promise<FormData> =>
    new Request(this.url, {
      method: this.method,
      headers: [...this.headers],
      body: this.consume(),
    }).formData();

  readonly clone = (): HttpRequest => new LocalRequest(this.init);
}
