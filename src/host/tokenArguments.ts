/**
 * The token tool's command line: what `npm run --silent token -- …` accepts, read into a token request or
 * one message. Kept apart from the tool so tests read it without a process.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { DevelopmentTokenRequest } from '../auth/developmentIssuer';

const DAY_MINUTES = 24 * 60;

export const USAGE = `Prints a token of the local development issuer (the one npm start and func start trust).

  npm run --silent token -- --tenant <guid> --user <guid> [--scopes "<names>"] [options]   delegated
  npm run --silent token -- --tenant <guid> --roles "<names>" [options]                      app-only

  --tenant <guid>     the tenant (tid); required
  --user <guid>       the signed-in user's object id (oid); without it the token is app-only
  --scopes "<names>"  delegated permissions (scp), separated by spaces or commas; needs --user
  --roles "<names>"   application permissions (roles); required without --user
  --minutes <n>       expiry (exp) in minutes from now, ${-DAY_MINUTES} to ${DAY_MINUTES} but not 0 (default 60);
                      negative: a token that expired n minutes ago
  --not-before <n>    start of validity (nbf) in minutes from now, ${-DAY_MINUTES} to ${DAY_MINUTES} (default 0, or an
                      hour before a past expiry); positive: a token not valid yet
  --expired           a token that expired an hour ago (same as --minutes -60)
  --help              this text

The service tolerates AUTH_CLOCK_SKEW_SECONDS (default 300) on exp and nbf: a token that expired, or
becomes valid, less than that away from now is still accepted.
`;

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'expected a GUID');
const names = z
  .string()
  .optional()
  .transform((value) => (value ?? '').split(/[\s,]+/).filter((name) => name !== ''));
const minutes = (allowed: string) =>
  z
    .string()
    .regex(/^[+-]?\d+$/, allowed)
    .transform(Number)
    .pipe(z.number().int().min(-DAY_MINUTES, allowed).max(DAY_MINUTES, allowed));

const options = z
  .object({
    tenant: guid,
    user: guid.optional(),
    scopes: names,
    roles: names,
    minutes: minutes(`expected whole minutes from ${-DAY_MINUTES} to ${DAY_MINUTES}, not 0`)
      .refine((value) => value !== 0, `expected whole minutes from ${-DAY_MINUTES} to ${DAY_MINUTES}, not 0`)
      .optional(),
    'not-before': minutes(`expected whole minutes from ${-DAY_MINUTES} to ${DAY_MINUTES}`).optional(),
    expired: z.boolean().default(false),
  })
  .refine((o) => o.user !== undefined || o.scopes.length === 0, {
    message: '--scopes needs --user (an app-only token carries --roles only)',
  })
  .refine((o) => o.user !== undefined || o.roles.length > 0, {
    message: 'give --user (delegated) or --roles (app-only)',
  })
  .refine((o) => !o.expired || o.minutes === undefined, { message: 'give --expired or --minutes, not both' })
  .transform((o) => ({ ...o, minutes: o.expired ? -60 : (o.minutes ?? 60) }))
  .refine((o) => o['not-before'] === undefined || o['not-before'] < o.minutes, {
    message: '--not-before must come before the expiry (--minutes)',
  });

/** `--minutes -60` reads as an option and its value, as a person means it (parseArgs would call it ambiguous). */
function joinNegativeValues(args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    const next = args[i + 1];
    if ((arg === '--minutes' || arg === '--not-before') && next !== undefined && /^-\d+$/.test(next)) {
      joined.push(`${arg}=${next}`);
      i += 1;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

export type TokenArguments =
  | { readonly kind: 'help' }
  | { readonly kind: 'token'; readonly request: DevelopmentTokenRequest & { readonly lifetimeSeconds: number } }
  | { readonly kind: 'error'; readonly message: string };

/** Reads the arguments after `--`; an error is one line, without the "(see --help)" the tool adds. */
export function readTokenArguments(args: readonly string[]): TokenArguments {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: joinNegativeValues(args),
      options: {
        tenant: { type: 'string' },
        user: { type: 'string' },
        scopes: { type: 'string' },
        roles: { type: 'string' },
        minutes: { type: 'string' },
        'not-before': { type: 'string' },
        expired: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    // parseArgs explains with a paragraph; its first sentence is the problem.
    return { kind: 'error', message: (error instanceof Error ? error.message : String(error)).split('. ')[0] ?? '' };
  }
  if (values.help === true) return { kind: 'help' };
  const parsed = options.safeParse(values);
  if (!parsed.success) {
    return {
      kind: 'error',
      message: parsed.error.issues
        .map((i) => `${i.path.length > 0 ? `--${i.path.join('.')}: ` : ''}${i.message}`)
        .join('; '),
    };
  }
  const { tenant, user, scopes, roles, minutes } = parsed.data;
  const notBefore = parsed.data['not-before'];
  return {
    kind: 'token',
    request: {
      tenantId: tenant.toLowerCase(),
      userId: user?.toLowerCase(),
      scopes,
      roles,
      lifetimeSeconds: minutes * 60,
      ...(notBefore === undefined ? {} : { notBeforeSeconds: notBefore * 60 }),
    },
  };
}

/** What a person should know about a token the service still accepts despite its times (its clock skew). */
export function skewNotes(
  request: DevelopmentTokenRequest & { lifetimeSeconds: number },
  skewSeconds: number,
): string[] {
  const notes: string[] = [];
  if (request.lifetimeSeconds < 0 && -request.lifetimeSeconds <= skewSeconds) {
    notes.push(`expired less than AUTH_CLOCK_SKEW_SECONDS (${skewSeconds} s) ago, so still accepted`);
  }
  const notBefore = request.notBeforeSeconds ?? 0;
  if (notBefore > 0 && notBefore <= skewSeconds) {
    notes.push(`valid in less than AUTH_CLOCK_SKEW_SECONDS (${skewSeconds} s), so already accepted`);
  }
  return notes;
}
