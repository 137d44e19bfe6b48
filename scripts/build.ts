/**
 * `npm run build`: the deployment package in `dist/app`, exactly what is uploaded: `main.js`, `host.json` and
 * a `package.json` whose `main` names `main.js`. `main.js` is one esbuild bundle of the app with every
 * dependency it loads, so the package needs no `node_modules` (the Functions host provides
 * `@azure/functions-core`). Loading it registers every function and nothing else: the function table is
 * written into it at build time, and the app itself (operations, SDKs) is kept in it as text that is compiled
 * on first use (`src/host/deferred.ts`), since compiling it at load would cost more than everything else the
 * host does to load the package. Run as a program, `main.js` is the local host (`npm start`); the modules
 * only a local run loads (the embedded Cosmos DB server, the local certificate's generator) stay outside,
 * loaded from the project's `node_modules`.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, type Plugin, build } from 'esbuild';
import { functionTable } from '../src/host/functionTable';

export const ROOT = join(__dirname, '..');
export const APP_DIRECTORY = join(ROOT, 'dist', 'app');
export const APP_BUNDLE = 'main.js';
/** The package's files, all of them. */
export const PACKAGE_FILES = [APP_BUNDLE, 'host.json', 'package.json'] as const;

/** Provided at run time: by the Functions host, or (local runs only) by the project's dev dependencies. */
const EXTERNAL_MODULES = ['@azure/functions-core', '@vercel/cosmosdb-server', 'selfsigned'];

const COMMON: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  // Names are kept (stack traces stay readable); whitespace and comments go. ASCII only, so Node reads the
  // file as one-byte text.
  minifySyntax: true,
  minifyWhitespace: true,
  charset: 'ascii',
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
};

/** The app's code, as a CommonJS module that takes `@azure/functions` from the registrations' bundle. */
async function deferredCode(): Promise<string> {
  const result = await build({
    ...COMMON,
    entryPoints: [join(ROOT, 'src', 'host', 'app.ts')],
    outfile: 'app.js',
    external: [...EXTERNAL_MODULES, '@azure/functions'],
  });
  const code = result.outputFiles?.[0]?.text ?? '';
  // esbuild leaves a few characters as they are (in regular expressions): escape them too.
  return code.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The deferred code goes, gzipped and in base64, in a comment at the end of the bundle: loading the bundle
 * skips it at almost no cost (the same code as a string literal, or as plain text in a comment, costs tens of
 * milliseconds to scan), and the loader reads it back from the file on first use.
 */
const DEFERRED_MARK = '\n/* deferred app code, gzip, base64:\n';

function deferredComment(code: string): string {
  return `${DEFERRED_MARK}${gzipSync(code, { level: 9 }).toString('base64')}\n*/\n`;
}

/** Puts the built forms of `functionTable.ts` and `deferred.ts` in the bundle in their place. */
function builtModules(): Plugin {
  const table = JSON.stringify(functionTable());
  return {
    name: 'built-modules',
    setup(plugin) {
      plugin.onLoad({ filter: /[\\/]src[\\/]host[\\/]functionTable\.ts$/ }, () => ({
        contents: `export function functionTable() { return ${table}; }`,
        loader: 'js',
      }));
      plugin.onLoad({ filter: /[\\/]src[\\/]host[\\/]deferred\.ts$/ }, () => ({
        // CommonJS, so that esbuild leaves `require` (the bundle's own) alone.
        contents: `
          const { readFileSync } = require('node:fs');
          const { Script, constants } = require('node:vm');
          const { gunzipSync } = require('node:zlib');
          const functions = require('@azure/functions');
          const mark = ${JSON.stringify(DEFERRED_MARK)};
          let loaded;
          exports.loadApp = () => {
            if (loaded === undefined) {
              const text = readFileSync(__filename, 'latin1');
              const start = text.lastIndexOf(mark);
              if (start < 0) throw new Error(__filename + ' holds no deferred app code');
              const packed = text.slice(start + mark.length, text.lastIndexOf('*/'));
              const code = gunzipSync(Buffer.from(packed, 'base64')).toString('latin1');
              const wrapper = '(function (exports, require, module, __filename, __dirname) {' + code + '\\n})';
              // import() of a module left outside (a local run's) goes to Node's own loader, as from a file.
              const options = { filename: __filename, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER };
              const compiled = new Script(wrapper, options).runInThisContext();
              const deferred = { exports: {} };
              const load = (id) => (id === '@azure/functions' ? functions : require(id));
              compiled(deferred.exports, Object.assign(load, { main: undefined }), deferred, __filename, __dirname);
              loaded = deferred.exports;
            }
            return loaded;
          };`,
        loader: 'js',
      }));
    },
  };
}

/** Builds the package into `outDirectory` (by default `dist/app`); returns the files it holds. */
export async function buildApp(outDirectory = APP_DIRECTORY): Promise<readonly string[]> {
  const code = await deferredCode();
  const result = await build({
    ...COMMON,
    entryPoints: [join(ROOT, 'src', 'host', 'main.ts')],
    outfile: APP_BUNDLE,
    external: EXTERNAL_MODULES,
    plugins: [builtModules()],
  });
  const project = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const manifest = {
    name: project.name,
    version: project.version,
    private: true,
    description: project.description,
    license: project.license,
    main: APP_BUNDLE,
    engines: project.engines,
  };
  await rm(outDirectory, { recursive: true, force: true });
  await mkdir(outDirectory, { recursive: true });
  await writeFile(join(outDirectory, APP_BUNDLE), `${result.outputFiles?.[0]?.text ?? ''}${deferredComment(code)}`);
  await writeFile(join(outDirectory, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(outDirectory, 'host.json'), await readFile(join(ROOT, 'host.json')));
  return PACKAGE_FILES;
}

if (require.main === module) {
  const started = performance.now();
  buildApp().then(
    (files) => console.log(`dist/app: ${files.join(', ')} (${Math.round(performance.now() - started)} ms)`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
