/**
 * The service's settings: a zod schema over the environment, parsed once at start-up. A bad value fails
 * loudly and names the variable; nothing falls back silently to local credentials in Azure.
 */
import { z } from 'zod';

export interface CosmosSettings {
  /** The account; undefined: the local host runs an embedded Cosmos DB server (Functions host: refused). */
  readonly endpoint: string | undefined;
  /** Account key: only for the local emulator/embedded server. Absent: Microsoft Entra ID (managed identity). */
  readonly key: string | undefined;
  /** The client id of the app's user-assigned managed identity (Azure); undefined: the developer's sign-in. */
  readonly managedIdentityClientId?: string | undefined;
  readonly database: string;
  readonly requestTimeoutMs: number;
}

export interface DevelopmentIdentity {
  readonly tenantId: string;
  readonly userId: string;
}

/** Who issues the tokens this deployment trusts: Microsoft Entra ID, or (local runs only) the development issuer. */
export type IssuerSettings =
  | { readonly kind: 'entra'; readonly audiences: readonly string[]; readonly jwksUri: string }
  | { readonly kind: 'development'; readonly keysDirectory: string };

export interface AuthSettings {
  readonly issuer: IssuerSettings;
  /** Only these tenants (lower-case GUIDs) may call; undefined: any tenant with a valid token. */
  readonly allowedTenants: ReadonlySet<string> | undefined;
  readonly clockSkewSeconds: number;
  /** How many verified tokens are kept (0: none). */
  readonly tokenCacheSize: number;
}

export interface TelemetrySettings {
  readonly connectionString: string;
  /** Client id of the managed identity that signs ingestion (`Authorization=AAD`); undefined: unsigned. */
  readonly identityClientId: string | undefined;
}

/** Limits of an import of Graph's report output (`POST reports/<rows>/import`). */
export interface ImportSettings {
  /** The most rows one request may hold (413 beyond). */
  readonly maxRows: number;
  /** The largest body of one request, in bytes (413 beyond); the other operations keep `maxBodyBytes`. */
  readonly maxBodyBytes: number;
  /** How many writes of 100 rows (one transactional batch each) are in flight at once. */
  readonly writeConcurrency: number;
}

/** Browser apps allowed to call (CORS): exact origins, or any origin. */
export type AllowedOrigins = { readonly any: true } | { readonly any: false; readonly origins: ReadonlySet<string> };

export interface Config {
  /** Application Insights, when configured (Azure sets it). */
  readonly telemetry: TelemetrySettings | undefined;
  readonly cosmos: CosmosSettings;
  readonly maxBodyBytes: number;
  readonly import: ImportSettings;
  /** Origins whose browser apps may call (none by default). */
  readonly allowedOrigins: AllowedOrigins;
  /** True under the Functions host in Azure (App Service sets WEBSITE_SITE_NAME and WEBSITE_INSTANCE_ID). */
  readonly runningInAzure: boolean;
  readonly auth: AuthSettings;
  /** The tenant and user of the token the local host prints at start (development issuer only). */
  readonly development: DevelopmentIdentity;
}

/**
 * Every schema below states what it allows in its messages ("a GUID", "a whole number from 0 to 300"), so a
 * problem reads `NAME: "given" is invalid; expected <what is allowed>` on one line.
 */

/** Azure app settings can be present but empty: treat an empty value as unset. */
const optionalText = z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());

const guid = (allowed = 'a GUID') =>
  z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, allowed)
    .transform((value) => value.toLowerCase());

const httpUrl = (example: string) => z.url({ protocol: /^https?$/, error: `an http(s) URL, e.g. ${example}` });

/** A comma- or space-separated list. */
const list = optionalText.transform((value) =>
  value === undefined ? undefined : value.split(/[\s,]+/).filter((item) => item !== ''),
);

/** Digits only: `Number()` would also take `1e3`, `0x10` or `  12 `, which no one means as a setting. */
function integer(min: number, max: number, fallback: number, allowed = `a whole number from ${min} to ${max}`) {
  return z.preprocess(
    (value) =>
      value === undefined || value === ''
        ? fallback
        : typeof value === 'string' && /^-?\d+$/.test(value)
          ? Number(value)
          : NaN,
    z.number({ error: allowed }).int(allowed).min(min, allowed).max(max, allowed),
  );
}

const port = (fallback: number) => integer(0, 65535, fallback, 'a port number from 0 to 65535 (0: any free port)');

const flag = optionalText.pipe(
  z
    .enum(['true', 'false', '1', '0'], { error: 'true or false' })
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
);

const environment = z.object({
  COSMOS_ENDPOINT: optionalText.pipe(httpUrl('https://<account>.documents.azure.com:443/').optional()),
  COSMOS_KEY: optionalText,
  COSMOS_DATABASE: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/, 'a name of letters, digits, - and _ (1 to 255 characters)')
      .default('graph-analytics'),
  ),
  COSMOS_REQUEST_TIMEOUT_MS: integer(1_000, 60_000, 10_000),
  MAX_REQUEST_BODY_BYTES: integer(1_024, 4 * 1024 * 1024, 64 * 1024),
  IMPORT_MAX_ROWS: integer(1, 100_000, 10_000),
  IMPORT_MAX_BODY_BYTES: integer(1_024, 32 * 1024 * 1024, 4 * 1024 * 1024),
  IMPORT_WRITE_CONCURRENCY: integer(1, 32, 4),
  WEBSITE_INSTANCE_ID: optionalText,
  WEBSITE_SITE_NAME: optionalText,
  AZURE_CLIENT_ID: optionalText.pipe(guid().optional()),
  APPLICATIONINSIGHTS_CONNECTION_STRING: optionalText.pipe(
    z
      .string()
      .regex(/InstrumentationKey=[^;]+/i, "a connection string with 'InstrumentationKey=<key>'")
      .optional(),
  ),
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: optionalText.pipe(
    z
      .string()
      .regex(/^(?=.*Authorization=AAD)(?=.*ClientId=[0-9a-f-]{36})/i, "'ClientId=<guid>;Authorization=AAD'")
      .optional(),
  ),
  AUTH_AUDIENCE: list.pipe(
    z.array(z.string().min(1)).min(1, 'at least one audience, e.g. api://<client id>,<client id>').optional(),
  ),
  AUTH_ALLOWED_TENANTS: list.pipe(z.array(guid('tenant GUIDs separated by commas')).optional()),
  CORS_ALLOWED_ORIGINS: list.pipe(
    z
      .array(
        z
          .string()
          .regex(
            /^(?:\*|https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?)$/,
            "origins such as https://app.contoso.com,http://localhost:3000 (scheme, host and port only), or '*'",
          ),
      )
      .refine((origins) => !origins.includes('*') || origins.length === 1, "'*' alone, or a list of origins")
      .optional(),
  ),
  AUTH_JWKS_URI: optionalText.pipe(
    httpUrl('https://login.microsoftonline.com/common/discovery/v2.0/keys').default(
      'https://login.microsoftonline.com/common/discovery/v2.0/keys',
    ),
  ),
  AUTH_CLOCK_SKEW_SECONDS: integer(0, 300, 300),
  AUTH_TOKEN_CACHE_SIZE: integer(0, 1_000_000, 10_000),
  DEV_KEYS_DIR: optionalText.pipe(z.string().default('.dev-keys')),
  DEV_TENANT_ID: optionalText.pipe(guid().default('8b6a4a39-4cd4-4d4b-9a57-0f7bd3d2a6e1')),
  DEV_USER_ID: optionalText.pipe(guid().default('5d7f0c8e-2b1a-4c3e-9f6d-7a8b9c0d1e2f')),
});

/** Settings only the local hosts read (`npm start`, `npm run dev`, `npm run cosmos`); the Functions host ignores them. */
const localEnvironment = z.object({
  PORT: port(7071),
  HOST: optionalText.pipe(
    z
      .string()
      .max(253, 'a host name or IP address, e.g. localhost, 127.0.0.1 or 0.0.0.0')
      .regex(
        /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/,
        'a host name or IP address, e.g. localhost, 127.0.0.1 or 0.0.0.0',
      )
      .default('localhost'),
  ),
  HTTPS: flag,
  COSMOS_PORT: port(8081),
});

/** Every environment variable the service's configuration reads (under any host). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(environment.shape);

/** The variables only the local hosts read. */
export const LOCAL_HOST_VARIABLES: readonly string[] = Object.keys(localEnvironment.shape);

/** Each problem is one line that starts with the variable: `NAME: "given" is invalid; expected <what is allowed>`. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Values never repeated in a message. */
const SECRET_VARIABLES: ReadonlySet<string> = new Set(['COSMOS_KEY']);

/** A setting's value as a message shows it: quoted (so spaces and empty parts show), cut short, secrets hidden. */
export function shownValue(name: string, value: string | undefined): string {
  if (value === undefined) return 'unset';
  if (SECRET_VARIABLES.has(name)) return `(${value.length} characters, not shown)`;
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

function parseEnvironment<T extends z.ZodType>(schema: T, env: Record<string, string | undefined>): z.output<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '');
    return `${name}: ${shownValue(name, env[name])} is invalid; expected ${issue.message}`;
  });
  throw new ConfigError([...new Set(problems)]);
}

/**
 * The settings a deployed app must have (its Bicep sets each of them; a test checks that). The platform's
 * own settings (AzureWebJobsStorage__*, APPLICATIONINSIGHTS_*) are not the app's.
 */
export const AZURE_REQUIRED_SETTINGS = [
  'COSMOS_ENDPOINT',
  'COSMOS_DATABASE',
  'AZURE_CLIENT_ID',
  'AUTH_AUDIENCE',
] as const;

/** Settings a deployed app reads when present. */
export const AZURE_OPTIONAL_SETTINGS = [
  'AUTH_ALLOWED_TENANTS',
  'CORS_ALLOWED_ORIGINS',
  'AUTH_JWKS_URI',
  'AUTH_CLOCK_SKEW_SECONDS',
  'AUTH_TOKEN_CACHE_SIZE',
  'COSMOS_REQUEST_TIMEOUT_MS',
  'MAX_REQUEST_BODY_BYTES',
  'IMPORT_MAX_ROWS',
  'IMPORT_MAX_BODY_BYTES',
  'IMPORT_WRITE_CONCURRENCY',
] as const;

/** Parses the service's settings from `env`; throws a ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  return configOf(parseEnvironment(environment, env), env);
}

/** Where and how a local host listens. */
export interface LocalHostSettings {
  readonly port: number;
  readonly hostname: string;
  /** Serve https with the generated local certificate (kept beside the development keys). */
  readonly https: boolean;
  /** Where `npm run cosmos` listens. */
  readonly cosmosPort: number;
  /** Where the development issuer's keys and the local certificate are kept. */
  readonly keysDirectory: string;
}

export interface LocalConfig extends Config {
  readonly local: LocalHostSettings;
}

/** The service's settings and the local host's, parsed together so one message lists every problem. */
export function parseLocalConfig(env: Record<string, string | undefined>): LocalConfig {
  const e = parseEnvironment(environment.extend(localEnvironment.shape), env);
  return {
    ...configOf(e, env),
    local: {
      port: e.PORT,
      hostname: e.HOST,
      https: e.HTTPS,
      cosmosPort: e.COSMOS_PORT,
      keysDirectory: e.DEV_KEYS_DIR,
    },
  };
}

function configOf(e: z.output<typeof environment>, env: Record<string, string | undefined>): Config {
  // Either marks Azure; the stricter reading wins, so the development issuer is never trusted there.
  const runningInAzure = e.WEBSITE_INSTANCE_ID !== undefined || e.WEBSITE_SITE_NAME !== undefined;
  const problems: string[] = [];
  if (e.COSMOS_KEY !== undefined && e.COSMOS_ENDPOINT === undefined) {
    problems.push('COSMOS_KEY: set without COSMOS_ENDPOINT; expected a key only for the account COSMOS_ENDPOINT names');
  }
  if (runningInAzure) {
    for (const name of AZURE_REQUIRED_SETTINGS) {
      if (env[name] === undefined || env[name] === '') {
        problems.push(
          name === 'AUTH_AUDIENCE'
            ? 'AUTH_AUDIENCE: required in Azure; the development issuer is never trusted there'
            : `${name}: required in Azure`,
        );
      }
    }
  }
  if (runningInAzure && e.COSMOS_KEY !== undefined) {
    problems.push('COSMOS_KEY: key auth is refused in Azure; the app uses its managed identity');
  }
  if (runningInAzure && !e.AUTH_JWKS_URI.startsWith('https://'))
    problems.push(
      `AUTH_JWKS_URI: ${shownValue('AUTH_JWKS_URI', e.AUTH_JWKS_URI)} is invalid in Azure; expected an https URL`,
    );
  if (problems.length > 0) throw new ConfigError(problems);
  const telemetryClient = /ClientId=([0-9a-f-]{36})/i.exec(e.APPLICATIONINSIGHTS_AUTHENTICATION_STRING ?? '')?.[1];
  return {
    telemetry:
      e.APPLICATIONINSIGHTS_CONNECTION_STRING === undefined
        ? undefined
        : {
            connectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING,
            identityClientId: telemetryClient?.toLowerCase(),
          },
    cosmos: {
      endpoint: e.COSMOS_ENDPOINT,
      key: e.COSMOS_KEY,
      managedIdentityClientId: e.AZURE_CLIENT_ID,
      database: e.COSMOS_DATABASE,
      requestTimeoutMs: e.COSMOS_REQUEST_TIMEOUT_MS,
    },
    maxBodyBytes: e.MAX_REQUEST_BODY_BYTES,
    import: {
      maxRows: e.IMPORT_MAX_ROWS,
      maxBodyBytes: e.IMPORT_MAX_BODY_BYTES,
      writeConcurrency: e.IMPORT_WRITE_CONCURRENCY,
    },
    allowedOrigins:
      e.CORS_ALLOWED_ORIGINS?.[0] === '*'
        ? { any: true }
        : { any: false, origins: new Set((e.CORS_ALLOWED_ORIGINS ?? []).map((origin) => origin.toLowerCase())) },
    runningInAzure,
    auth: {
      issuer:
        e.AUTH_AUDIENCE === undefined
          ? { kind: 'development', keysDirectory: e.DEV_KEYS_DIR }
          : { kind: 'entra', audiences: e.AUTH_AUDIENCE, jwksUri: e.AUTH_JWKS_URI },
      allowedTenants: e.AUTH_ALLOWED_TENANTS === undefined ? undefined : new Set(e.AUTH_ALLOWED_TENANTS),
      clockSkewSeconds: e.AUTH_CLOCK_SKEW_SECONDS,
      tokenCacheSize: e.AUTH_TOKEN_CACHE_SIZE,
    },
    development: { tenantId: e.DEV_TENANT_ID, userId: e.DEV_USER_ID },
  };
}
