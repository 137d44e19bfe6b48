/**
 * `npm run --silent token -- …`: prints one development-issuer token and nothing else (`--help` for the
 * options). The key pair is the local host's (DEV_KEYS_DIR, default `.dev-keys`).
 */
import { issueDevelopmentToken, loadDevelopmentKeys } from '../auth/developmentIssuer';
import { ConfigError, parseLocalConfig } from '../config';
import { USAGE, readTokenArguments, skewNotes } from './tokenArguments';

async function main(): Promise<void> {
  const read = readTokenArguments(process.argv.slice(2));
  if (read.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (read.kind === 'error') {
    console.error(`token: ${read.message} (see --help)`);
    process.exit(2);
  }
  const config = parseLocalConfig(process.env);
  const keys = await loadDevelopmentKeys(config.local.keysDirectory);
  process.stdout.write(`${await issueDevelopmentToken(keys, read.request)}\n`);
  for (const note of skewNotes(read.request, config.auth.clockSkewSeconds)) console.error(`token: note: ${note}`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) console.error(`token: ${problem}`);
  } else {
    console.error(`token: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
});
