import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config';
import { CONTAINERS, CONTAINER_NAMES } from '../../src/store/containers';
import definitions from '../../infra/containers.json';
import { partitionKeyOf } from '../../src/store/entityStore';
import { ITEM_ACTIVITY_STORE_INDEX_PATHS } from '../../src/store/itemActivityStore';
import { COLLECTIONS } from '../../src/operations';

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
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
    expect(config.runningInAzure).toBe(false);
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
