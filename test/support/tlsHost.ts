/**
 * A test host serving https with a throwaway certificate for 127.0.0.1, and an undici dispatcher that trusts
 * it (and nothing else): for clients that follow only `https://` next links, as the Graph SDKs do. No TLS
 * check is switched off anywhere.
 */
import { generate } from 'selfsigned';
import { Agent } from 'undici';
import { type TestHost, startTestHost } from './testHost';

export interface TlsTestHost {
  readonly api: TestHost;
  /** Pass as fetch's `dispatcher` to reach the host. */
  readonly trusting: Agent;
  close(): Promise<void>;
}

export async function startTlsTestHost(env: Record<string, string> = {}): Promise<TlsTestHost> {
  const certificate = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const api = await startTestHost(env, { key: certificate.private, cert: certificate.cert });
  const trusting = new Agent({ connect: { ca: certificate.cert } });
  return {
    api,
    trusting,
    async close() {
      await api.close();
      await trusting.close();
    },
  };
}
