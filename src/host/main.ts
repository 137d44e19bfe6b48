/**
 * The one module of the deployment package: the build bundles it, with everything it imports, into
 * `dist/app/main.js`, where `package.json` `main` points. Loaded by the Functions host, it registers every
 * function; run as a program (`npm start`), it is the local host.
 */
import { loadApp } from './deferred';
import { registerFunctions } from './functions';

if (require.main === module) void loadApp().runLocalHost();
else registerFunctions(() => loadApp().functionHandlers);
