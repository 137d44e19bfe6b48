/**
 * `npm start` and `npm run dev`: the local host on http://localhost:7071 (PORT, HOST and HTTPS change it),
 * with an embedded Cosmos DB server unless COSMOS_ENDPOINT points at a real account or an emulator. It
 * prints one line per request; a setting it cannot use stops it with one line naming that setting.
 */
import { ConfigError, parseLocalConfig } from '../config';
import type { AnsweredRequest, LocalHost } from './local';
import { checkCosmosReachable, cosmosProblem, listenProblem } from './startupProblems';

/** `GET /beta/me/analytics/activityStatistics 200 12 ms request-id 6f1c…`: what a developer scans for. */
function requestLine(request: AnsweredRequest): string {
  const ms = request.durationMs < 10 ? request.durationMs.toFixed(1) : Math.round(request.durationMs).toString();
  return `${request.method} ${request.target} ${request.status} ${ms} ms request-id ${request.requestId ?? '-'}`;
}

/**
 * Request lines go out together, at most once per 10 ms: under load, one write for many requests (a write
 * per turn of the event loop still cost a system call for every request or two).
 */
const requestLog = {
  pending: '',
  add(line: string): void {
    if (this.pending === '') setTimeout(() => this.flush(), 10);
    this.pending += `${line}\n`;
  },
  flush(): void {
    if (this.pending === '') return;
    process.stdout.write(this.pending);
    this.pending = '';
  },
};

async function main(): Promise<void> {
  const config = parseLocalConfig(process.env);
  const { local } = config;
  // Loaded once the settings are known good, so a bad one is reported at once, not after the SDKs load.
  const [{ startLocalHost }, { loadLocalCertificate }, { issueDevelopmentToken, loadDevelopmentKeys }, permissions] =
    await Promise.all([
      import('./local.js'),
      import('./localCertificate.js'),
      import('../auth/developmentIssuer.js'),
      import('../auth/permissions.js'),
    ]);
  if (config.cosmos.endpoint !== undefined) {
    await checkCosmosReachable(config.cosmos.endpoint, config.cosmos.requestTimeoutMs);
  }
  const certificate = local.https ? await loadLocalCertificate(local.keysDirectory) : undefined;
  let host: LocalHost;
  try {
    host = await startLocalHost({
      config,
      port: local.port,
      hostname: local.hostname,
      ...(certificate === undefined ? {} : { tls: certificate }),
      onRequest: (request) => requestLog.add(requestLine(request)),
    });
  } catch (error) {
    const problem =
      listenProblem(error, { variable: 'PORT', port: local.port, hostname: local.hostname }) ??
      cosmosProblem(error, config.cosmos.endpoint);
    throw problem === undefined ? error : new ConfigError([problem]);
  }
  const database = config.cosmos.endpoint ?? 'embedded in-memory Cosmos DB';
  console.log(`graph-analytics-api listening on ${host.url}/beta (database: ${database})`);
  console.log(`described (no token needed) at ${host.url}/beta/$metadata and ${host.url}/beta/openapi.json`);
  if (certificate !== undefined) {
    console.log(
      `https certificate: ${certificate.certFile} (trust it, e.g. NODE_EXTRA_CA_CERTS=${certificate.certFile})`,
    );
  }
  if (config.auth.issuer.kind === 'development') {
    const { tenantId, userId } = config.development;
    const token = await issueDevelopmentToken(await loadDevelopmentKeys(config.auth.issuer.keysDirectory), {
      tenantId,
      userId,
      scopes: permissions.DELEGATED_SCOPES,
      lifetimeSeconds: 8 * 3600,
    });
    console.log(`development issuer: a token for tenant ${tenantId}, user ${userId}, every delegated scope (8 h):`);
    console.log(token);
  } else {
    console.log(`Microsoft Entra ID tokens for audience ${config.auth.issuer.audiences.join(', ')}`);
  }
  const stop = () => {
    void host.close().then(() => {
      requestLog.flush();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Starts the local host; a setting it cannot use ends the process with one line naming it. */
export function runLocalHost(): Promise<void> {
  return main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) console.error(`graph-analytics-api cannot start: ${problem}`);
    } else {
      console.error(error);
    }
    process.exit(1);
  });
}

// `npm run dev` runs this file itself; `npm start` runs the built package, which calls runLocalHost.
if (require.main === module) void runLocalHost();
