/**
 * `npm run --silent token -- --tenant <guid> --user <guid> --scopes "<list>" [--roles "<list>"] [--minutes n]`:
 * prints one development-issuer token and nothing else. `--roles` without `--user` makes an app-only token.
 * The key pair is the local host's (DEV_KEYS_DIR, default `.dev-keys`).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { issueDevelopmentToken, loadDevelopmentKeys } from '../auth/developmentIssuer';

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');
const names = z
  .string()
  .optional()
  .transform((value) => (value ?? '').split(/[\s,]+/).filter((name) => name !== ''));

const options = z
  .object({
    tenant: guid,
    user: guid.optional(),
    scopes: names,
    roles: names,
    minutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(60),
  })
  .refine((o) => o.user !== undefined || o.scopes.length === 0, {
    message: '--scopes needs --user (an app-only token carries --roles only)',
  })
  .refine((o) => o.user !== undefined || o.roles.length > 0, {
    message: 'give --user (delegated) or --roles (app-only)',
  });

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      user: { type: 'string' },
      scopes: { type: 'string' },
      roles: { type: 'string' },
      minutes: { type: 'string' },
    },
    strict: true,
  });
  const parsed = options.safeParse(values);
  if (!parsed.success) {
    console.error(
      `token: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}`,
    );
    process.exit(2);
  }
  const { tenant, user, scopes, roles, minutes } = parsed.data;
  const keys = await loadDevelopmentKeys(process.env.DEV_KEYS_DIR || '.dev-keys');
  process.stdout.write(
    `${await issueDevelopmentToken(keys, { tenantId: tenant.toLowerCase(), userId: user?.toLowerCase(), scopes, roles, lifetimeSeconds: minutes * 60 })}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(`token: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
