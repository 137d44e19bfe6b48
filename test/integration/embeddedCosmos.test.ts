/**
 * The embedded Cosmos DB server as the service and the real SDK use it: queries confined to one partition
 * answer exactly what the partition holds, idle connections survive a pause, and its code loads only when
 * a host starts one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join, sep } from 'node:path';
import { type Container, CosmosClient, type FeedOptions } from '@azure/cosmos';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../../src/host/embeddedCosmos';
import { parseConfig } from '../../src/config';
import { createCosmosClient } from '../../src/store/cosmos';
import { temporaryKeysDirectory } from '../support/testHost';

const root = join(__dirname, '..', '..');

describe('queries confined to one partition', () => {
  let server: EmbeddedCosmos;
  let client: CosmosClient;
  let containers = 0;

  beforeAll(async () => {
    server = await startEmbeddedCosmos();
    client = new CosmosClient({
      endpoint: server.endpoint,
      key: server.key,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
  });
  afterAll(async () => {
    client.dispose();
    await server.close();
  });

  const newContainer = async (): Promise<Container> => {
    const { database } = await client.databases.createIfNotExists({ id: 'partitions' });
    containers += 1;
    const { container } = await database.containers.create({
      id: `c${containers}`,
      partitionKey: { paths: ['/pk'] },
      indexingPolicy: {
        compositeIndexes: [
          [
            { path: '/v', order: 'descending' },
            { path: '/id', order: 'descending' },
          ],
        ],
      },
    });
    return container;
  };

  interface Doc {
    readonly id: string;
    readonly pk: string;
    readonly v: number;
  }
  const PARTITIONS = ['p0', 'p1', 'p2'];
  const operation = fc.record({
    kind: fc.constantFrom('upsert', 'upsert', 'delete'),
    pk: fc.constantFrom(...PARTITIONS),
    id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
    v: fc.integer({ min: 0, max: 4 }),
  });

  it('answer what the partition holds after any creates, replaces and deletes (the model: a map)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 40 }), async (operations) => {
        const container = await newContainer();
        const model = new Map<string, Doc>();
        for (const { kind, pk, id, v } of operations) {
          const key = `${pk}|${id}`;
          if (kind === 'upsert') {
            await container.items.upsert({ id, pk, v });
            model.set(key, { id, pk, v });
          } else if (model.delete(key)) {
            await container.item(id, pk).delete();
          }
        }
        const strip = (docs: Doc[]): Doc[] => docs.map(({ id, pk, v }) => ({ id, pk, v }));
        for (const pk of PARTITIONS) {
          const expected = [...model.values()]
            .filter((doc) => doc.pk === pk)
            .sort((a, b) => b.v - a.v || (a.id < b.id ? 1 : -1));
          const parameters = [{ name: '@pk', value: pk }];
          const all = async (query: string, options: FeedOptions): Promise<Doc[]> =>
            strip((await container.items.query<Doc>({ query, parameters }, options).fetchAll()).resources);
          // Whole, and in pages of 2 following continuation tokens, with and without the partition key option.
          const ordered = 'SELECT * FROM c WHERE c.pk = @pk ORDER BY c.v DESC, c.id DESC';
          expect(await all(ordered, {})).toEqual(expected);
          expect(await all(ordered, { maxItemCount: 2 })).toEqual(expected);
          expect(await all(ordered, { maxItemCount: 2, partitionKey: pk })).toEqual(expected);
          // The default order (the store's own) is the same on every page.
          const unordered = 'SELECT * FROM c WHERE c.pk = @pk';
          const whole = await all(unordered, {});
          expect([...whole].sort((a, b) => b.v - a.v || (a.id < b.id ? 1 : -1))).toEqual(expected);
          expect(await all(unordered, { maxItemCount: 2, partitionKey: pk })).toEqual(whole);
          expect(await all(unordered, { maxItemCount: 3 })).toEqual(whole);
          const count = await container.items
            .query<number>({
              query: 'SELECT VALUE COUNT(1) FROM c WHERE c.pk = @pk',
              parameters: [{ name: '@pk', value: pk }],
            })
            .fetchAll();
          expect(count.resources).toEqual([expected.length]);
        }
      }),
      { numRuns: 15 },
    );
  });

  it('confine a query by the partition key option alone, as Cosmos DB does', async () => {
    const container = await newContainer();
    for (const doc of [
      { id: 'a', pk: 'p0', v: 1 },
      { id: 'b', pk: 'p1', v: 1 },
      { id: 'c', pk: 'p1', v: 1 },
    ]) {
      await container.items.create(doc);
    }
    const ids = async (query: string, partitionKey?: string): Promise<string[]> => {
      const iterator = container.items.query<{ id: string }>(query, partitionKey === undefined ? {} : { partitionKey });
      return (await iterator.fetchAll()).resources.map((doc) => doc.id).sort();
    };
    expect(await ids('SELECT c.id FROM c')).toEqual(['a', 'b', 'c']);
    expect(await ids('SELECT c.id FROM c', 'p1')).toEqual(['b', 'c']);
    expect(await ids("SELECT c.id FROM c WHERE c.pk = 'p1' OR c.id = 'a'")).toEqual(['a', 'b', 'c']);
    // A WHERE clause that names another partition than the option matches nothing.
    expect(await ids("SELECT c.id FROM c WHERE c.pk = 'p0'", 'p1')).toEqual([]);
    expect(await ids("SELECT c.id FROM c WHERE 'p1' = c['pk'] AND c.v = 1")).toEqual(['b', 'c']);
  });
});

/** `npm run cosmos`'s entry in its own process on a free port, as `func start` uses it. */
async function startCosmosProcess(): Promise<{ child: ChildProcess; endpoint: string; key: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'host', 'cosmosOnly.ts')], {
    cwd: root,
    env: { ...process.env, COSMOS_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.once('exit', (code) => reject(new Error(`npm run cosmos exited (${code})`)));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /on (http:\/\/\S+) .*key: (\S+)/.exec(output);
      if (match?.[1] !== undefined && match[2] !== undefined) resolve({ child, endpoint: match[1], key: match[2] });
    });
  });
}

describe('connections after an idle pause', () => {
  it('stay usable: no 503 when the pause outlasts an idle timeout of 5 s', { timeout: 60_000 }, async () => {
    const cosmos = await startCosmosProcess();
    // The service's own client, as the host builds it.
    const settings = parseConfig({ COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key }).cosmos;
    const client = createCosmosClient({ ...settings, endpoint: cosmos.endpoint });
    try {
      const { container } = await client
        .database(settings.database)
        .containers.createIfNotExists({ id: 'idlePause', partitionKey: { paths: ['/pk'] } });
      let n = 0;
      // Creates: the SDK does not retry a write whose connection fails.
      const creates = async (count: number): Promise<string[]> => {
        const results = await Promise.allSettled(
          Array.from({ length: count }, () => {
            n += 1;
            return container.items.create({ id: `row-${n}`, pk: 'p' });
          }),
        );
        return results
          .filter((result) => result.status === 'rejected')
          .map(({ reason }) => (reason instanceof Error ? reason.message : String(reason)));
      };

      expect(await creates(8)).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      // The service is busy (this loop blocks) when a server's 5 s idle timeout (plus Node's 1 s grace) falls
      // due: a server that closes idle connections then has its FIN waiting unread on each pooled connection,
      // and the creates below go out on those connections at once, as a burst of requests after a pause does.
      const busyUntil = performance.now() + 1_000;
      while (performance.now() < busyUntil) {
        // busy
      }
      expect(await creates(8)).toEqual([]);

      const { resources } = await container.items.query<number>('SELECT VALUE COUNT(1) FROM c').fetchAll();
      expect(resources).toEqual([16]);
    } finally {
      client.dispose();
      cosmos.child.kill();
    }
  });
});

describe('the embedded server', () => {
  /** Starts a local host in a fresh process and tells whether the embedded server's code was loaded. */
  const loadsEmbeddedServer = async (env: Record<string, string>): Promise<{ before: boolean; after: boolean }> => {
    const script = `
      const { parseConfig } = require('./src/config.ts');
      const { startLocalHost } = require('./src/host/local.ts');
      const loaded = () => Object.keys(require.cache).some((file) => file.includes(${JSON.stringify(`${sep}@vercel${sep}cosmosdb-server${sep}`)}));
      (async () => {
        const before = loaded();
        const host = await startLocalHost({ config: parseConfig(process.env), log: () => undefined });
        const after = loaded();
        await host.close();
        process.stdout.write(JSON.stringify({ before, after }));
      })();
    `;
    // Asynchronously: the configured server answers from this process meanwhile.
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', DEV_KEYS_DIR: temporaryKeysDirectory(), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    return JSON.parse(stdout) as { before: boolean; after: boolean };
  };

  it('loads only when a host starts one', { timeout: 60_000 }, async () => {
    expect(await loadsEmbeddedServer({})).toEqual({ before: false, after: true });
    const configured = await startEmbeddedCosmos();
    try {
      expect(await loadsEmbeddedServer({ COSMOS_ENDPOINT: configured.endpoint, COSMOS_KEY: configured.key })).toEqual({
        before: false,
        after: false,
      });
    } finally {
      await configured.close();
    }
  });
});
