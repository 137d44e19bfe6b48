/**
 * What the local hosts say when they cannot start, with real sockets: a port in use, an address that is not
 * this machine's, an endpoint where nothing listens or whose name does not resolve.
 */
import { type Server, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config';
import { checkCosmosReachable, cosmosProblem, listenProblem } from '../../src/host/startupProblems';

async function listening(port = 0, host = '127.0.0.1'): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}

async function listenError(port: number, host: string): Promise<unknown> {
  try {
    const server = await listening(port, host);
    server.close();
  } catch (error) {
    return error;
  }
  throw new Error('expected listen to fail');
}

async function problemsOf(check: Promise<void>): Promise<readonly string[]> {
  try {
    await check;
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('listen problems', () => {
  it('name the variable that chose a port in use', async () => {
    const taken = await listening();
    const { port } = taken.address() as AddressInfo;
    const error = await listenError(port, '127.0.0.1');
    taken.close();
    expect(listenProblem(error, { variable: 'COSMOS_PORT', port, hostname: '127.0.0.1' })).toBe(
      `COSMOS_PORT: "${port}" is already in use on "127.0.0.1"; expected a free port, e.g. COSMOS_PORT=${port + 1}, or COSMOS_PORT=0 for any free one`,
    );
  });

  it('name HOST when it is not an address of this machine, or does not resolve', async () => {
    const foreign = await listenError(0, '192.0.2.1');
    expect(listenProblem(foreign, { variable: 'PORT', port: 0, hostname: '192.0.2.1' })).toMatch(
      /^HOST: "192\.0\.2\.1" is not an address of this machine; expected localhost, 127\.0\.0\.1/,
    );
    const unknown = await listenError(0, 'no-such-host.invalid');
    expect(listenProblem(unknown, { variable: 'PORT', port: 0, hostname: 'no-such-host.invalid' })).toMatch(
      /^HOST: "no-such-host\.invalid" does not resolve to an address; expected/,
    );
  });

  it('leave other errors alone', () => {
    expect(listenProblem(new Error('boom'), { variable: 'PORT', port: 1, hostname: 'localhost' })).toBeUndefined();
    expect(cosmosProblem(new Error('boom'), 'http://127.0.0.1:1')).toBeUndefined();
  });
});

describe('Cosmos DB reachability', () => {
  it('passes when something listens', async () => {
    const server = await listening();
    const { port } = server.address() as AddressInfo;
    expect(await problemsOf(checkCosmosReachable(`http://127.0.0.1:${port}`, 2_000))).toEqual([]);
    server.close();
  });

  it('names COSMOS_ENDPOINT, its value and why, when nothing listens or the name does not resolve', async () => {
    const server = await listening();
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    expect(await problemsOf(checkCosmosReachable(`http://127.0.0.1:${port}/`, 2_000))).toEqual([
      `COSMOS_ENDPOINT: "http://127.0.0.1:${port}/" is unreachable (connection refused); expected a running Cosmos DB account or emulator, or COSMOS_ENDPOINT unset for the embedded in-memory server`,
    ]);
    expect(await problemsOf(checkCosmosReachable('https://no-such-account.invalid:443/', 2_000))).toEqual([
      'COSMOS_ENDPOINT: "https://no-such-account.invalid:443/" is unreachable (no-such-account.invalid does not resolve); expected a running Cosmos DB account or emulator, or COSMOS_ENDPOINT unset for the embedded in-memory server',
    ]);
  });

  it('reads a refused key or identity from the status, and keeps only the first line of anything else', () => {
    const failure = (statusCode: number, message: string) =>
      Object.assign(new Error(message), { statusCode, diagnostics: {} });
    expect(cosmosProblem(failure(401, 'Unauthorized'), 'https://a.documents.azure.com/')).toBe(
      `COSMOS_KEY: refused by "https://a.documents.azure.com/" (401); expected that account's primary or secondary key`,
    );
    expect(cosmosProblem(failure(403, 'Forbidden'), 'https://a.documents.azure.com/')).toMatch(
      /^COSMOS_ENDPOINT: "https:\/\/a\.documents\.azure\.com\/" refused this identity \(403\); expected an identity with the Cosmos DB Built-in Data Contributor role/,
    );
    expect(
      cosmosProblem(failure(503, 'Service unavailable\n{"diagnostics": "pages"}'), 'https://a.documents.azure.com/'),
    ).toBe(
      'COSMOS_ENDPOINT: "https://a.documents.azure.com/" failed while the database was prepared (Service unavailable); expected a Cosmos DB account or emulator that answers',
    );
  });
});
