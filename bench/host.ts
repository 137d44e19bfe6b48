/**
 * The service as the HTTP benchmarks drive it: the local host with its embedded Cosmos DB in this process,
 * and a token of the development issuer with the scopes asked for.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueDevelopmentToken, loadDevelopmentKeys } from '../src/auth/developmentIssuer';
import { parseConfig } from '../src/config';
import { type LocalHost, startLocalHost } from '../src/host/local';

export const BENCH_TENANT = '8b6a4a39-4cd4-4d4b-9a57-0f7bd3d2a6e1';

export interface BenchHost {
  readonly host: LocalHost;
  /** A token of the bench tenant. */
  readonly token: string;
  /** A token with the same scopes for another tenant (whose rows are a partition of their own). */
  readonly tokenFor: (tenantId: string) => Promise<string>;
}

export async function startBenchHost(scopes: readonly string[]): Promise<BenchHost> {
  const keysDirectory = join(mkdtempSync(join(tmpdir(), 'bench-keys-')), 'keys');
  const host = await startLocalHost({ config: parseConfig({ DEV_KEYS_DIR: keysDirectory }), log: () => undefined });
  const keys = await loadDevelopmentKeys(keysDirectory);
  const tokenFor = (tenantId: string) =>
    issueDevelopmentToken(keys, { tenantId, userId: '5d7f0c8e-2b1a-4c3e-9f6d-7a8b9c0d1e2f', scopes });
  return { host, token: await tokenFor(BENCH_TENANT), tokenFor };
}
