/**
 * The local host's `HttpRequest`: what `@azure/functions` gives a handler, read straight from Node's request
 * (headers as Node parsed them, the body already read) instead of through an undici `Request` per call,
 * which cost the local host more than the rest of its own work per request. The rarely used parts (the body
 * as a stream, form data, a clone) are made on demand from the same bytes.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type {
  HttpRequest,
  HttpRequestParams,
  HttpRequestUser,
  InvocationContext,
  InvocationContextExtraInputs,
  InvocationContextExtraOutputs,
  LogLevel,
  RetryContext,
  TraceContext,
} from '@azure/functions';

/**
 * Node's parsed headers as a `Headers`: names are lower-case already, repeated ones joined with ", ". Reads
 * go to Node's object; a copy is made only to change or list them.
 */
export class LocalHeaders implements Headers {
  private copy: Map<string, string> | undefined;

  constructor(private readonly parsed: IncomingHttpHeaders) {}

  private fields(): Map<string, string> {
    if (this.copy === undefined) {
      this.copy = new Map();
      for (const name of Object.keys(this.parsed).sort()) {
        const value = this.parsed[name];
        if (value !== undefined) this.copy.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
    }
    return this.copy;
  }

  get(name: string): string | null {
    const key = name.toLowerCase();
    if (this.copy !== undefined) return this.copy.get(key) ?? null;
    const value = Object.hasOwn(this.parsed, key) ? this.parsed[key] : undefined;
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  set(name: string, value: string): void {
    this.fields().set(name.toLowerCase(), value);
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const current = this.get(key);
    this.fields().set(key, current === null ? value : `${current}, ${value}`);
  }

  delete(name: string): void {
    this.fields().delete(name.toLowerCase());
  }

  getSetCookie(): string[] {
    const value = this.parsed['set-cookie'];
    return this.copy === undefined && Array.isArray(value)
      ? [...value]
      : [this.get('set-cookie') ?? ''].filter(Boolean);
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this.fields()) callback.call(thisArg, value, name, this);
  }

  entries(): MapIterator<[string, string]> {
    return this.fields().entries();
  }

  keys(): MapIterator<string> {
    return this.fields().keys();
  }

  values(): MapIterator<string> {
    return this.fields().values();
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.fields().entries();
  }
}

export interface LocalRequestInit {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly params: HttpRequestParams;
  readonly body: Buffer;
  /** `url` as the host parsed it already, if it did. */
  readonly parsedUrl?: URL;
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
  private parsed: URL | undefined;

  constructor(private readonly init: LocalRequestInit) {
    this.method = init.method;
    this.url = init.url;
    this.headers = new LocalHeaders(init.headers);
    this.params = init.params;
    this.bytes = init.body;
    this.parsed = init.parsedUrl;
  }

  /** `url`, parsed once: the pipeline reads it instead of parsing the string again. */
  get parsedUrl(): URL {
    this.parsed ??= new URL(this.url);
    return this.parsed;
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

  /** The body converted, or (read twice) a rejection, as fetch's Body gives. */
  private read<T>(convert: (bytes: Buffer) => T): Promise<T> {
    return new Promise((resolve) => resolve(convert(this.consume())));
  }

  /** The body's bytes as the host read them (no copy), once, as `arrayBuffer()` would give them. */
  bodyBytes(): Promise<Buffer> {
    return this.read((bytes) => bytes);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.read((bytes) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
  }

  text(): Promise<string> {
    return this.read((bytes) => bytes.toString('utf8'));
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  blob(): Promise<Blob> {
    return this.read((bytes) => new Blob([bytes]));
  }

  formData(): Promise<FormData> {
    return this.read(
      (bytes) => new Request(this.url, { method: this.method, headers: [...this.headers], body: bytes }),
    ).then((request) => request.formData());
  }

  clone(): HttpRequest {
    return new LocalRequest(this.init);
  }
}

/** Inputs or outputs of a binding, by name: the local host's functions have none, so this is made on demand. */
class BindingValues implements InvocationContextExtraInputs, InvocationContextExtraOutputs {
  private readonly values = new Map<string, unknown>();

  get(inputOrName: string | { name: string }): unknown {
    return this.values.get(typeof inputOrName === 'string' ? inputOrName : inputOrName.name);
  }

  set(inputOrName: string | { name: string }, value: unknown): void {
    this.values.set(typeof inputOrName === 'string' ? inputOrName : inputOrName.name, value);
  }
}

/** `InvocationContext.options` of an HTTP function with no extra bindings (what `@azure/functions` defaults to). */
const LOCAL_FUNCTION_OPTIONS = Object.freeze({
  trigger: Object.freeze({ name: 'unknown', type: 'unknown' }),
  return: undefined,
  extraInputs: Object.freeze([]),
  extraOutputs: Object.freeze([]),
}) as unknown as InvocationContext['options'];

export interface LocalInvocationInit {
  readonly functionName: string;
  readonly invocationId: string;
  readonly traceContext: TraceContext;
  readonly logHandler: (level: LogLevel, ...args: unknown[]) => void;
  /** Whether Information lines go anywhere (when not, a caller may skip making them). */
  readonly logsInformation?: boolean;
}

/**
 * The local host's `InvocationContext`: what `@azure/functions`' own gives a handler (its log methods call
 * the log handler with their level), without the private-field bookkeeping and binding maps that class
 * makes per call, which the local host's functions never use.
 */
export class LocalInvocationContext implements InvocationContext {
  readonly invocationId: string;
  readonly functionName: string;
  readonly traceContext: TraceContext;
  readonly retryContext?: RetryContext;
  readonly options = LOCAL_FUNCTION_OPTIONS;
  readonly logsInformation: boolean;
  private readonly logHandler: (level: LogLevel, ...args: unknown[]) => void;
  private inputs: BindingValues | undefined;
  private outputs: BindingValues | undefined;

  constructor(init: LocalInvocationInit) {
    this.invocationId = init.invocationId;
    this.functionName = init.functionName;
    this.traceContext = init.traceContext;
    this.logHandler = init.logHandler;
    this.logsInformation = init.logsInformation ?? true;
  }

  get extraInputs(): InvocationContextExtraInputs {
    this.inputs ??= new BindingValues();
    return this.inputs;
  }

  get extraOutputs(): InvocationContextExtraOutputs {
    this.outputs ??= new BindingValues();
    return this.outputs;
  }

  log(...args: unknown[]): void {
    this.logHandler('information', ...args);
  }

  trace(...args: unknown[]): void {
    this.logHandler('trace', ...args);
  }

  debug(...args: unknown[]): void {
    this.logHandler('debug', ...args);
  }

  info(...args: unknown[]): void {
    this.logHandler('information', ...args);
  }

  warn(...args: unknown[]): void {
    this.logHandler('warning', ...args);
  }

  error(...args: unknown[]): void {
    this.logHandler('error', ...args);
  }
}
