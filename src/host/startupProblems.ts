/**
 * What a local host meets while starting (a port in use, an address that is not this machine's, a Cosmos DB
 * endpoint that does not answer), said as the configuration says a bad value: one line that names the
 * setting, the value given and what is expected, instead of a stack or the Cosmos SDK's diagnostics.
 */
import { connect } from 'node:net';
import { ConfigError, shownValue } from '../config';

/** The setting that chose a listening port, and where it was to listen. */
export interface ListenSettings {
  readonly variable: 'PORT' | 'COSMOS_PORT';
  readonly port: number;
  readonly hostname: string;
}

interface SystemError {
  readonly code?: unknown;
  readonly syscall?: unknown;
  readonly hostname?: unknown;
}

function systemError(error: unknown): SystemError {
  return typeof error === 'object' && error !== null ? error : {};
}

const HOST_EXPECTED = "expected localhost, 127.0.0.1, 0.0.0.0 (every interface) or one of this machine's addresses";

/** The problem behind a failed `listen`, or undefined when the error is something else. */
export function listenProblem(error: unknown, listen: ListenSettings): string | undefined {
  const { code, syscall, hostname } = systemError(error);
  const { variable, port } = listen;
  const host = shownValue('HOST', listen.hostname);
  switch (code) {
    case 'EADDRINUSE':
      return `${variable}: "${port}" is already in use on ${host}; expected a free port, e.g. ${variable}=${port === 65535 ? port - 1 : port + 1}, or ${variable}=0 for any free one`;
    case 'EACCES':
      return `${variable}: "${port}" needs administrator rights on this machine; expected a port from 1024 up, or ${variable}=0 for any free one`;
    case 'EADDRNOTAVAIL':
      return `HOST: ${host} is not an address of this machine; ${HOST_EXPECTED}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return syscall === 'getaddrinfo' && hostname === listen.hostname
        ? `HOST: ${host} does not resolve to an address; ${HOST_EXPECTED}`
        : undefined;
    default:
      return undefined;
  }
}

/** Fails with a ConfigError when the endpoint's host and port take no connection within `timeoutMs`. */
export async function checkCosmosReachable(endpoint: string, timeoutMs: number): Promise<void> {
  const url = new URL(endpoint);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const reason = await new Promise<string | undefined>((resolve) => {
    // URL keeps an IPv6 literal's brackets; the socket wants the address alone.
    const socket = connect({ host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve(`no answer within ${timeoutMs} ms`);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error) => {
      const { code } = systemError(error);
      resolve(
        code === 'ECONNREFUSED'
          ? 'connection refused'
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? `${url.hostname} does not resolve`
            : typeof code === 'string'
              ? code
              : error.message,
      );
    });
  });
  if (reason !== undefined) {
    throw new ConfigError([
      `COSMOS_ENDPOINT: ${shownValue('COSMOS_ENDPOINT', endpoint)} is unreachable (${reason}); expected a running Cosmos DB account or emulator, or COSMOS_ENDPOINT unset for the embedded in-memory server`,
    ]);
  }
}

interface CosmosFailure {
  readonly statusCode?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly diagnostics?: unknown;
}

/** The problem behind a Cosmos DB request that failed while the host set up its database, else undefined. */
export function cosmosProblem(error: unknown, endpoint: string | undefined): string | undefined {
  if (endpoint === undefined || typeof error !== 'object' || error === null || !('diagnostics' in error)) {
    return undefined;
  }
  const failure = error as CosmosFailure;
  const status = typeof failure.statusCode === 'number' ? failure.statusCode : failure.code;
  const shown = shownValue('COSMOS_ENDPOINT', endpoint);
  if (status === 401) {
    return `COSMOS_KEY: refused by ${shown} (401); expected that account's primary or secondary key`;
  }
  if (status === 403) {
    return `COSMOS_ENDPOINT: ${shown} refused this identity (403); expected an identity with the Cosmos DB Built-in Data Contributor role (az login as a developer the deployment granted), or COSMOS_KEY`;
  }
  // The SDK's message can run to pages of diagnostics: its first line says what happened.
  const first = (typeof failure.message === 'string' ? failure.message : String(status)).split('\n')[0]?.trim();
  return `COSMOS_ENDPOINT: ${shown} failed while the database was prepared (${first}); expected a Cosmos DB account or emulator that answers`;
}
