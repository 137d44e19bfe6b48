import { describe, expect, it } from 'vitest';
import {
  CONFIG_VARIABLES,
  ConfigError,
  LOCAL_HOST_VARIABLES,
  parseConfig,
  parseLocalConfig,
  shownValue,
} from '../../src/config';
import { CONTAINERS, CONTAINER_NAMES } from '../../src/store/containers';
import definitions from '../../infra/containers.json';
import { partitionKeyOf } from '../../src/store/entityStore';
import { ITEM_ACTIVITY_STORE_INDEX_PATHS } from '../../src/store/itemActivityStore';
import { COLLECTIONS } from '../../src/operations';

function problems(
  env: Record<string, string>,
  parse: (env: Record<string, string>) => unknown = parseConfig,
): string[] {
  try {
    parse(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('has defaults for a local run', () => {
    const config = parseConfig({});
    expect(config.cosmos.endpoint).toBeUndefined();
    expect(config.maxBodyBytes).toBe(65536);
    expect(config.import).toEqual({ maxRows: 10_000, maxBodyBytes: 4 * 1024 * 1024, writeConcurrency: 4 });
    expect(config.runningInAzure).toBe(false);
  });

  it('reads the import limits', () => {
    const config = parseConfig({
      IMPORT_MAX_ROWS: '500',
      IMPORT_MAX_BODY_BYTES: '1048576',
      IMPORT_WRITE_CONCURRENCY: '1',
    });
    expect(config.import).toEqual({ maxRows: 500, maxBodyBytes: 1_048_576, writeConcurrency: 1 });
    expect(problems({ IMPORT_MAX_BODY_BYTES: String(32 * 1024 * 1024 + 1) })[0]).toMatch(/^IMPORT_MAX_BODY_BYTES: /);
  });

  it('reads a Cosmos account, key optional, and treats empty values as unset', () => {
    const config = parseConfig({
      COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/',
      COSMOS_DATABASE: 'db1',
      COSMOS_KEY: '',
    });
    expect(config.cosmos).toMatchObject({
      endpoint: 'https://acct.documents.azure.com:443/',
      key: undefined,
      database: 'db1',
    });
  });

  it('names every bad variable', () => {
    const found = problems({ COSMOS_ENDPOINT: 'not a url', MAX_REQUEST_BODY_BYTES: 'lots', DEV_TENANT_ID: 'contoso' });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual([
      'COSMOS_ENDPOINT',
      'DEV_TENANT_ID',
      'MAX_REQUEST_BODY_BYTES',
    ]);
  });

  it('refuses to run in Azure with a key, without an endpoint, or with the development issuer', () => {
    const found = problems({ WEBSITE_INSTANCE_ID: 'abc', COSMOS_KEY: 'k' });
    expect(found.join('\n')).toMatch(/COSMOS_ENDPOINT: required in Azure/);
    expect(found.join('\n')).toMatch(/COSMOS_KEY: key auth is refused in Azure/);
    expect(found.join('\n')).toMatch(/AUTH_AUDIENCE: required in Azure; the development issuer is never trusted there/);
    expect(problems({ WEBSITE_SITE_NAME: 'func-api-x' }).join('\n')).toMatch(/AUTH_AUDIENCE: required in Azure/);
  });

  it('trusts only Entra ID once an audience is set, with the allow-list and bounded skew', () => {
    const config = parseConfig({
      AUTH_AUDIENCE: 'api://graph-analytics, 0d3c1b2a-0000-4000-8000-000000000001',
      AUTH_ALLOWED_TENANTS: '8B6A4A39-4CD4-4D4B-9A57-0F7BD3D2A6E1',
    });
    expect(config.auth.issuer).toEqual({
      kind: 'entra',
      audiences: ['api://graph-analytics', '0d3c1b2a-0000-4000-8000-000000000001'],
      jwksUri: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
    });
    expect([...(config.auth.allowedTenants ?? [])]).toEqual(['8b6a4a39-4cd4-4d4b-9a57-0f7bd3d2a6e1']);
    expect(config.auth.clockSkewSeconds).toBe(300);
    expect(parseConfig({}).auth.issuer).toEqual({ kind: 'development', keysDirectory: '.dev-keys' });
    expect(problems({ AUTH_CLOCK_SKEW_SECONDS: '301' })[0]).toMatch(/^AUTH_CLOCK_SKEW_SECONDS/);
    expect(problems({ AUTH_ALLOWED_TENANTS: 'contoso' })[0]).toMatch(/^AUTH_ALLOWED_TENANTS/);
  });
});

describe('messages', () => {
  /** A bad value of every setting that has a form. */
  const bad: Record<string, string> = {
    COSMOS_ENDPOINT: 'localhost:8081',
    COSMOS_DATABASE: 'a/b',
    COSMOS_REQUEST_TIMEOUT_MS: '1e4',
    MAX_REQUEST_BODY_BYTES: 'lots',
    IMPORT_MAX_ROWS: '0',
    IMPORT_MAX_BODY_BYTES: '64MiB',
    IMPORT_WRITE_CONCURRENCY: '33',
    AZURE_CLIENT_ID: 'my-app',
    APPLICATIONINSIGHTS_CONNECTION_STRING: 'IngestionEndpoint=https://x/',
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD',
    AUTH_AUDIENCE: ' , ',
    AUTH_ALLOWED_TENANTS: 'contoso',
    CORS_ALLOWED_ORIGINS: 'https://app.contoso.com/path',
    AUTH_JWKS_URI: 'keys.json',
    AUTH_CLOCK_SKEW_SECONDS: '301',
    AUTH_TOKEN_CACHE_SIZE: '-1',
    DEV_TENANT_ID: 'contoso',
    DEV_USER_ID: '42',
    PORT: 'abc',
    HOST: 'my host',
    HTTPS: 'yes',
    COSMOS_PORT: '99999',
  };

  it('covers every setting but the free-form ones', () => {
    const freeForm = ['COSMOS_KEY', 'WEBSITE_INSTANCE_ID', 'WEBSITE_SITE_NAME', 'DEV_KEYS_DIR'];
    expect([...CONFIG_VARIABLES, ...LOCAL_HOST_VARIABLES].filter((name) => !freeForm.includes(name)).sort()).toEqual(
      Object.keys(bad).sort(),
    );
  });

  it.each(Object.entries(bad))('%s: one line with the value given and what is allowed', (name, value) => {
    const found = problems({ [name]: value }, parseLocalConfig);
    expect(found).toHaveLength(1);
    const prefix = `${name}: ${JSON.stringify(value)} is invalid; expected `;
    expect(found[0]?.slice(0, prefix.length)).toBe(prefix);
    expect(found[0]?.length).toBeGreaterThan(prefix.length + 5);
    expect(found[0]).not.toMatch(/\n|Invalid input|received/);
  });

  it('lists every bad setting at once, including the local host ones', () => {
    const found = problems({ PORT: '99999', HOST: 'a b', MAX_REQUEST_BODY_BYTES: '12' }, parseLocalConfig);
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual(['HOST', 'MAX_REQUEST_BODY_BYTES', 'PORT']);
    expect(found.find((p) => p.startsWith('PORT'))).toBe(
      'PORT: "99999" is invalid; expected a port number from 0 to 65535 (0: any free port)',
    );
  });

  it('never repeats a key, and cuts long values short', () => {
    expect(shownValue('COSMOS_KEY', 'c2VjcmV0LWtleQ==')).not.toContain('c2VjcmV0');
    expect(shownValue('AUTH_AUDIENCE', 'x'.repeat(500)).length).toBeLessThan(90);
  });

  it('gives the local host its defaults; the Functions host reads none of its settings', () => {
    expect(parseLocalConfig({}).local).toEqual({
      port: 7071,
      hostname: 'localhost',
      https: false,
      cosmosPort: 8081,
      keysDirectory: '.dev-keys',
    });
    expect(parseLocalConfig({ PORT: '0', HOST: '0.0.0.0', HTTPS: 'true' }).local).toMatchObject({
      port: 0,
      hostname: '0.0.0.0',
      https: true,
    });
    expect(Object.keys(bad).filter((name) => LOCAL_HOST_VARIABLES.includes(name))).toEqual([
      'PORT',
      'HOST',
      'HTTPS',
      'COSMOS_PORT',
    ]);
    expect(() => parseConfig({ PORT: 'abc' })).not.toThrow();
  });
});

describe('telemetry settings', () => {
  it('reads the Application Insights connection and the identity that signs ingestion', () => {
    const config = parseConfig({
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        'InstrumentationKey=11111111-2222-4333-8444-555555555555;IngestionEndpoint=https://x.in.applicationinsights.azure.com/',
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=0D3C1B2A-0000-4000-8000-000000000001;Authorization=AAD',
    });
    expect(config.telemetry).toEqual({
      connectionString:
        'InstrumentationKey=11111111-2222-4333-8444-555555555555;IngestionEndpoint=https://x.in.applicationinsights.azure.com/',
      identityClientId: '0d3c1b2a-0000-4000-8000-000000000001',
    });
    expect(parseConfig({}).telemetry).toBeUndefined();
    expect(problems({ APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD' })[0]).toMatch(
      /^APPLICATIONINSIGHTS_AUTHENTICATION_STRING/,
    );
  });
});

describe('containers', () => {
  it('are exactly the ones in infra/containers.json, partitioned on /pk', () => {
    expect(definitions.containers.map((c) => c.name).sort()).toEqual([...CONTAINER_NAMES].sort());
    expect(CONTAINERS.every((c) => c.partitionKeyPath === '/pk')).toBe(true);
  });

  it('index every path a list filters or orders on, with composite indexes on (property, id) both ways', () => {
    for (const collection of COLLECTIONS) {
      const container = CONTAINERS.find((c) => c.name === collection.container);
      const policy = container?.indexingPolicy;
      if (policy === undefined) throw new Error(`no container ${collection.container}`);
      const included = policy.includedPaths.map((p) => p.path);
      expect(included).toContain('/pk/?');
      expect(policy.excludedPaths.map((p) => p.path)).toEqual(['/*']);
      for (const property of Object.values(collection.definition.query.queryable)) {
        expect(included).toContain(`${property.indexPath}/?`);
        if (property.indexPath === '/id') continue;
        for (const order of ['ascending', 'descending']) {
          expect(policy.compositeIndexes).toContainEqual([
            { path: property.indexPath, order },
            { path: '/id', order },
          ]);
        }
      }
    }
  });

  it("index the paths of the item activity store's own list condition", () => {
    const policy = CONTAINERS.find((c) => c.name === 'itemActivities')?.indexingPolicy;
    for (const path of ITEM_ACTIVITY_STORE_INDEX_PATHS) {
      expect(policy?.includedPaths.map((p) => p.path)).toContain(`${path}/?`);
    }
  });

  it('partition keys hold tenant and owner, and stay under the store limit', () => {
    expect(partitionKeyOf({ tenantId: 't1', owner: 'users/u1' })).toBe('t1/users/u1');
    const long = partitionKeyOf({ tenantId: 't1', owner: `groups/${'é'.repeat(600)}` });
    expect(long).toMatch(/^t1\/sha256:[0-9a-f]{64}$/);
    expect(partitionKeyOf({ tenantId: 't2', owner: `groups/${'é'.repeat(600)}` })).not.toBe(long);
  });
});
