/**
 * `api.http` (the REST Client format) read and run against a host, request by request, as an HTTP client
 * would: variables, `# @name` labels and `{{name.response.body.x}}` references to earlier answers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface HttpFileRequest {
  readonly title: string;
  readonly name: string | undefined;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

/** The REST Client format: `@name = value` variables, `###` separators, `# @name` labels, request, headers, body. */
export function parseHttpFile(text: string): { variables: Map<string, string>; requests: HttpFileRequest[] } {
  const variables = new Map<string, string>();
  const requests: HttpFileRequest[] = [];
  const [preamble = '', ...blocks] = text.split(/^###/m);
  for (const line of preamble.split('\n')) {
    const variable = /^@(\w+)\s*=\s*(.*)$/.exec(line.trim());
    if (variable?.[1] !== undefined) variables.set(variable[1], variable[2] ?? '');
  }
  for (const block of blocks) {
    const lines = block.split('\n');
    const title = (lines.shift() ?? '').trim();
    let name: string | undefined;
    while (lines.length > 0 && (lines[0]?.trim().startsWith('#') === true || lines[0]?.trim() === '')) {
      name = /#\s*@name\s+(\w+)/.exec(lines.shift() ?? '')?.[1] ?? name;
    }
    const requestLine = /^(\S+)\s+(.*?)(?:\s+HTTP\/[\d.]+)?$/.exec((lines.shift() ?? '').trim());
    const method = requestLine?.[1] ?? '';
    const url = requestLine?.[2] ?? '';
    const headers: Record<string, string> = {};
    while (lines.length > 0 && lines[0]?.trim() !== '') {
      const header = lines.shift() ?? '';
      const colon = header.indexOf(':');
      headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
    }
    const body = lines.join('\n').trim();
    requests.push({ title, name, method, url, headers, body: body === '' ? undefined : body });
  }
  return { variables, requests };
}

export function valueAt(value: unknown, path: string): unknown {
  return path
    .split(/\.|\[(\d+)\]/)
    .filter((part) => part !== undefined && part !== '')
    .reduce<unknown>(
      (current, part) =>
        typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[part] : undefined,
      value,
    );
}

export interface HttpFileExchange {
  readonly request: HttpFileRequest;
  readonly url: URL;
  readonly response: Response;
  readonly text: string;
}

/**
 * Runs every request of `api.http` in order against `base` (`http://host:port/beta`) with `token`; `after`
 * sees each exchange before the next request is sent.
 */
export async function runHttpFile(
  base: string,
  token: string,
  after: (exchange: HttpFileExchange) => Promise<void> = () => Promise.resolve(),
): Promise<HttpFileExchange[]> {
  const { variables, requests } = parseHttpFile(readFileSync(join(__dirname, '..', '..', 'api.http'), 'utf8'));
  variables.set('base', base);
  variables.set('token', token);
  const responses = new Map<string, unknown>();
  const substitute = (text: string): string =>
    text.replace(/\{\{([^}]+)\}\}/g, (_match, expression: string) => {
      const named = /^(\w+)\.response\.body\.(.+)$/.exec(expression);
      if (named?.[1] !== undefined && named[2] !== undefined) return String(valueAt(responses.get(named[1]), named[2]));
      return substitute(variables.get(expression) ?? `{{${expression}}}`);
    });
  const exchanges: HttpFileExchange[] = [];
  for (const request of requests) {
    const url = new URL(substitute(request.url));
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, substitute(v)]));
    const body = request.body === undefined ? undefined : substitute(request.body);
    const response = await fetch(url, { method: request.method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    if (request.name !== undefined) responses.set(request.name, JSON.parse(text));
    const exchange = { request, url, response, text };
    exchanges.push(exchange);
    await after(exchange);
  }
  return exchanges;
}
