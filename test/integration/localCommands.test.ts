/**
 * The local commands as a developer meets them, each in its own process: the start entry prints one line
 * per request; a setting it cannot use stops it with one line naming the setting; `npm run cosmos` starts;
 * the token tool explains itself and makes expired and not-yet-valid tokens that the service refuses. (The
 * README's test starts `npm run dev` and `HTTPS=true npm start`; unit tests read the token tool's options.)
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTAINER_NAMES } from '../../src/store/containers';
import { type RunningHost, START_ENTRY, commandEnvironment, lines, run, startHost } from '../support/commands';
import { DEV_TENANT, DEV_USER } from '../support/testHost';

/** One host for the request lines and the token tool (each start costs seconds on a busy machine). */
let host: RunningHost;
beforeAll(async () => {
  host = await startHost('start');
});
afterAll(() => host.stop());

describe('the start entry (npm start, npm run dev)', () => {
  it('prints one line per request: method, path, status, milliseconds, request-id', async () => {
    const missing = await fetch(`${host.url}/beta/nowhere?x=1`);
    const refused = await fetch(`${host.url}/beta/reports/office365ActivationCounts`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const printed = lines(host.stdout()).filter((line) => /^[A-Z]+ \//.test(line));
    expect(printed).toHaveLength(2);
    const pattern = /^GET (\S+) (\d{3}) \d+(\.\d)? ms request-id (\S+)$/;
    expect(pattern.exec(printed[0] ?? '')?.slice(1, 3)).toEqual(['/beta/nowhere?x=1', '404']);
    expect(pattern.exec(printed[0] ?? '')?.[4]).toBe(missing.headers.get('request-id'));
    expect(pattern.exec(printed[1] ?? '')?.slice(1, 3)).toEqual(['/beta/reports/office365ActivationCounts', '401']);
    expect(pattern.exec(printed[1] ?? '')?.[4]).toBe(refused.headers.get('request-id'));
  });

  it('links, in its banner, the two documents that describe the API, which answer without a token', async () => {
    const links = /described \(no token needed\) at (\S+) and (\S+)$/m.exec(host.stdout());
    expect(links?.slice(1)).toEqual([`${host.url}/beta/$metadata`, `${host.url}/beta/openapi.json`]);
    for (const link of links?.slice(1) ?? []) expect((await fetch(link)).status, link).toBe(200);
  });
});

describe.concurrent('start-up problems: one line naming the setting, the value and what is allowed', () => {
  async function refusal(settings: Record<string, string>): Promise<string[]> {
    const finished = await run(process.execPath, [START_ENTRY], commandEnvironment(settings));
    expect(finished.code).toBe(1);
    expect(finished.stdout).not.toMatch(/listening/);
    return lines(finished.stderr);
  }

  it('refuses settings that are not valid, every one at once', async () => {
    expect(await refusal({ PORT: 'abc', HOST: 'my host' })).toEqual([
      'graph-analytics-api cannot start: PORT: "abc" is invalid; expected a port number from 0 to 65535 (0: any free port)',
      'graph-analytics-api cannot start: HOST: "my host" is invalid; expected a host name or IP address, e.g. localhost, 127.0.0.1 or 0.0.0.0',
    ]);
  });

  it('says which port is in use', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      expect(await refusal({ PORT: String(port), HOST: '127.0.0.1' })).toEqual([
        `graph-analytics-api cannot start: PORT: "${port}" is already in use on "127.0.0.1"; expected a free port, e.g. PORT=${port + 1}, or PORT=0 for any free one`,
      ]);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});

describe('npm run cosmos', () => {
  it('npm run cosmos serves the embedded Cosmos DB with the containers made, and names a bad COSMOS_PORT', async () => {
    const { spawn } = await import('node:child_process');
    const env = commandEnvironment({ COSMOS_PORT: '0' });
    const child = spawn('npm', ['run', 'cosmos'], { cwd: join(__dirname, '..', '..'), env, detached: true });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const exited = new Promise((resolve) => child.once('close', resolve));
    try {
      const started = Date.now();
      while (!/embedded Cosmos DB on (\S+)/.test(stdout) && Date.now() - started < 60_000) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const [, endpoint = '', key = ''] = /embedded Cosmos DB on (\S+) .*key: (\S+)/.exec(stdout) ?? [];
      const client = new CosmosClient({ endpoint, key, connectionPolicy: { enableEndpointDiscovery: false } });
      const { resources } = await client.database('graph-analytics').containers.readAll().fetchAll();
      client.dispose();
      expect(resources.map((container) => container.id).sort()).toEqual([...CONTAINER_NAMES].sort());
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    const refused = await run('tsx', ['src/host/cosmosOnly.ts'], commandEnvironment({ COSMOS_PORT: 'x' }));
    expect(refused.code).not.toBe(0);
    expect(lines(refused.stderr)[0]).toBe(
      'graph-analytics-api cosmos cannot start: COSMOS_PORT: "x" is invalid; expected a port number from 0 to 65535 (0: any free port)',
    );
  });
});

describe('npm run token', () => {
  const token = async (...args: string[]) => {
    const finished = await run('tsx', ['src/host/token.ts', ...args], host.env);
    return { ...finished, token: finished.stdout.trim() };
  };
  const call = async (value: string) => {
    const response = await fetch(`${host.url}/beta/reports/office365ActivationCounts`, {
      headers: { authorization: `Bearer ${value}` },
    });
    const body = (await response.json()) as { error?: { message?: string } };
    return `${response.status} ${body.error?.message ?? ''}`.trim();
  };
  const delegated = ['--tenant', DEV_TENANT, '--user', DEV_USER, '--scopes', 'Reports.Read.All'];

  it('--help explains every option and its range', async () => {
    const help = await token('--help');
    expect(help.code).toBe(0);
    for (const option of ['--tenant', '--user', '--scopes', '--roles', '--minutes', '--not-before', '--expired']) {
      expect(help.stdout).toContain(option);
    }
    expect(help.stdout).toContain('-1440 to 1440');
  });

  it('makes tokens the service accepts, refuses as expired, or as not valid yet', async () => {
    expect(await call((await token(...delegated)).token)).toBe('200');
    expect(await call((await token(...delegated, '--expired')).token)).toBe(
      '401 Access token validation failure. The token is expired.',
    );
    expect(await call((await token(...delegated, '--not-before', '30')).token)).toBe(
      '401 Access token validation failure. The token is not yet valid (nbf).',
    );
  });

  it('answers a bad option with one line and exit code 2', async () => {
    for (const [args, message] of [
      [['--bogus'], "token: Unknown option '--bogus' (see --help)"],
      [
        [...delegated, '--minutes', '0'],
        'token: --minutes: expected whole minutes from -1440 to 1440, not 0 (see --help)',
      ],
    ] as const) {
      const refused = await token(...args);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe('');
      expect(lines(refused.stderr)).toEqual([message]);
    }
  });
});
