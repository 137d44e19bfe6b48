import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config';
import { CONTAINERS, CONTAINER_NAMES } from '../../src/store/containers';
import definitions from '../../infra/containers.json';
import { partitionKeyOf } from '../../src/store/entityStore';

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
    expect(config.cosmos).toBeUndefined();
    expect(config.maxBodyBytes).toBe(65536);
    expect(config.runningInAzure).toBe(false);
  });

  it('reads a Cosmos account, key optional, and treats empty values as unset', () => {
    const config = parseConfig({ COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/', COSMOS_DATABASE: 'db1', COSMOS_KEY: '' });
    expect(config.cosmos).toMatchObject({ endpoint: 'https://acct.documents.azure.com:443/', key: undefined, database: 'db1' });
  });

  it('names every bad variable', () => {
    const found = problems({ COSMOS_ENDPOINT: 'not a url', MAX_REQUEST_BODY_BYTES: 'lots', DEV_TENANT_ID: 'contoso' });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual(['COSMOS_ENDPOINT', 'DEV_TENANT_ID', 'MAX_REQUEST_BODY_BYTES']);
  });

  it('refuses to run in Azure with a key, without an endpoint, or with only the development principal', () => {
    const found = problems({ WEBSITE_INSTANCE_ID: 'abc', COSMOS_KEY: 'k' });
    expect(found.join('\n')).toMatch(/COSMOS_ENDPOINT: required in Azure/);
    expect(found.join('\n')).toMatch(/COSMOS_KEY: key auth is refused in Azure/);
    expect(found.join('\n')).toMatch(/development principal is never trusted in Azure/);
  });
});

describe('containers', () => {
  it('are exactly the ones in infra/containers.json, partitioned on /pk', () => {
    expect(definitions.containers.map((c) => c.name).sort()).toEqual([...CONTAINER_NAMES].sort());
    expect(CONTAINERS.every((c) => c.partitionKeyPath === '/pk')).toBe(true);
  });

  it('partition keys hold tenant and owner, and stay under the store limit', () => {
    expect(partitionKeyOf({ tenantId: 't1', owner: 'users/u1' })).toBe('t1/users/u1');
    const long = partitionKeyOf({ tenantId: 't1', owner: `groups/${'é'.repeat(600)}` });
    expect(long).toMatch(/^t1\/sha256:[0-9a-f]{64}$/);
    expect(partitionKeyOf({ tenantId: 't2', owner: `groups/${'é'.repeat(600)}` })).not.toBe(long);
  });
});
