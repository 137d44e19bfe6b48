/**
 * An in-memory Cosmos DB (the REST API the real SDK talks to), for local runs and tests: no cloud account.
 * Its data lives as long as the process. The server and its query engine are patched at install
 * (`patches/`): queries confined to one partition read only that partition, and cost what it holds.
 * Only the local host's modules import this one, and only when they start an embedded server.
 */
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '@vercel/cosmosdb-server';

/** The embedded server does not check keys, but the SDK signs requests with one: any base64 value will do. */
export const EMBEDDED_COSMOS_KEY = Buffer.from('embedded-cosmos-server').toString('base64');

export interface EmbeddedCosmos {
  readonly endpoint: string;
  readonly key: string;
  close(): Promise<void>;
}

export async function startEmbeddedCosmos(port = 0, host = '127.0.0.1'): Promise<EmbeddedCosmos> {
  const server = createHttpServer({ keepAlive: true });
  // The SDK keeps idle connections in its pool for as long as it likes (no idle timeout). A server that closes
  // them after its own idle timeout (Node's default: 5 s) races the SDK's next request on such a connection,
  // which then fails with "socket hang up", a 503 for a write. So the server keeps idle connections open too;
  // clients close them, and close() closes every one.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${address.port}`,
    key: EMBEDDED_COSMOS_KEY,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
