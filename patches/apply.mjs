// postinstall: applies the patches in this folder (patch-package) to the installed dependencies, failing the
// install when one does not apply. They patch the embedded Cosmos DB server and its query engine, which are
// development dependencies like patch-package itself: a production install (`npm ci --omit=dev`) has none of
// them, so there is nothing to patch.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);

let patchPackage;
try {
  patchPackage = require.resolve('patch-package/index.js');
} catch {
  process.stdout.write('patches/: patch-package is not installed (production install), nothing to patch\n');
  process.exit(0);
}
const result = spawnSync(process.execPath, [patchPackage, '--error-on-fail'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
