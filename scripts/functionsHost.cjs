// A stand-in for the Azure Functions Node.js worker, to run the deployment package in plain Node (no Functions
// host, no node_modules): it provides the `@azure/functions-core` module as the worker does, requires the
// package's `main`, and then either lists the functions it registered or serves them over HTTP, invoking each
// through the programming model the package registered (the same conversions the worker runs).
//
//   node scripts/functionsHost.cjs <package directory> --list          registrations as JSON lines, then exit
//   node scripts/functionsHost.cjs <package directory> --load          require main and exit (cold load)
//   node scripts/functionsHost.cjs <package directory> --invoke <function> <path>
//                                                   then answer one GET of <path> with <function>, print the
//                                                   status, and exit (cold start to a first answer)
//   node scripts/functionsHost.cjs <package directory> [--port <n>]    serve on 127.0.0.1 (0: any free port)
//
// Routing is the host's, not the app's: routes are tried in registration order, so the app's own handlers
// must pass a request on to the operation it is for, as they do under the real host.
'use strict';
const Module = require('node:module');
const { globSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { randomUUID } = require('node:crypto');

const [directory, mode = '--serve', portArgument = '0'] = process.argv.slice(2);
if (directory === undefined) {
  console.error('usage: functionsHost.cjs <package directory> [--list | --load | --port <n>]');
  process.exit(2);
}

const registrations = [];
let programmingModel;
const disposable = { dispose() {} };
const core = {
  version: '3.12.0',
  setProgrammingModel(model) {
    programmingModel = model;
  },
  getProgrammingModel() {
    return programmingModel;
  },
  registerFunction(metadata, callback) {
    registrations.push({ metadata, callback });
    return disposable;
  },
  registerHook() {
    return disposable;
  },
  log(level, category, message) {
    if (level === 'warning' || level === 'error' || level === 'critical') console.error(`[${level}] ${message}`);
  },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === '@azure/functions-core' ? core : load.call(this, request, ...rest);
};

const root = resolve(directory);
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// As the worker does: `main` is one file, or a glob of files loaded one after the other.
const mains = manifest.main.includes('*') ? globSync(manifest.main, { cwd: root }).sort() : [manifest.main];
for (const main of mains) require(join(root, main));

function triggerOf(metadata) {
  return Object.values(metadata.bindings).find((binding) => /trigger$/i.test(binding.type));
}

if (mode === '--load') process.exit(0);
if (mode === '--list') {
  for (const { metadata } of registrations) {
    const trigger = triggerOf(metadata);
    const line = { name: metadata.name, type: trigger.type, methods: trigger.methods, route: trigger.route };
    process.stdout.write(`${JSON.stringify({ ...line, authLevel: trigger.authLevel })}\n`);
  }
  process.exit(0);
}

/** A route template as the host reads it: literal segments (any case), `{name}`, and a final `{*name}`. */
function matcher(route) {
  const segments = route.split('/');
  return (path) => {
    const parts = path.split('/');
    const params = {};
    for (let i = 0; i < segments.length; i += 1) {
      const segment = segments[i];
      const catchAll = /^\{\*(\w+)\}$/.exec(segment);
      if (catchAll !== null) {
        params[catchAll[1]] = parts.slice(i).join('/');
        return params;
      }
      const part = parts[i];
      if (part === undefined || part === '') return undefined;
      const parameter = /^\{(\w+)\}$/.exec(segment);
      if (parameter !== null) params[parameter[1]] = decodeURIComponent(part);
      else if (segment.toLowerCase() !== part.toLowerCase()) return undefined;
    }
    return parts.length === segments.length ? params : undefined;
  };
}

const routes = registrations.map(({ metadata, callback }) => {
  const trigger = triggerOf(metadata);
  return { metadata, callback, methods: trigger.methods ?? [], match: matcher(trigger.route ?? metadata.name) };
});

async function invoke(route, params, request, body, url) {
  const [triggerName] = Object.entries(route.metadata.bindings).find(([, binding]) => /trigger$/i.test(binding.type));
  const headers = {};
  for (const [name, value] of Object.entries(request.headers))
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  const invocation = programmingModel.getInvocationModel({
    invocationId: randomUUID(),
    metadata: route.metadata,
    request: {
      inputData: [
        {
          name: triggerName,
          data: { http: { method: request.method, url, headers, params, query: {}, body: { bytes: body } } },
        },
      ],
      triggerMetadata: {},
    },
    log: (level, _category, message) => core.log(level, 'user', message),
    state: undefined,
  });
  const { context, inputs } = await invocation.getArguments();
  const result = await invocation.invokeFunction(context, inputs, route.callback);
  return (await invocation.getResponse(context, result)).returnValue.http;
}

if (mode === '--invoke') {
  const [name, path] = process.argv.slice(4);
  const route = routes.find((candidate) => candidate.metadata.name === name);
  if (route === undefined) throw new Error(`no function named ${name}`);
  const request = { method: 'GET', headers: { host: '127.0.0.1' } };
  invoke(route, {}, request, Buffer.alloc(0), `http://127.0.0.1${path}`).then(
    (http) => {
      process.stdout.write(`${http.statusCode}\n`);
      process.exit(0);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
} else serve();

function serve() {
  const server = require('node:http').createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const url = `http://${request.headers.host ?? '127.0.0.1'}${request.url}`;
      const path = new URL(url).pathname.slice(1);
      let found;
      for (const route of routes) {
        const params = route.methods.includes(request.method) ? route.match(path) : undefined;
        if (params !== undefined) {
          found = { route, params };
          break;
        }
      }
      if (found === undefined) {
        response.statusCode = 404;
        response.end();
        return;
      }
      invoke(found.route, found.params, request, Buffer.concat(chunks), url).then(
        (http) => {
          response.statusCode = Number(http.statusCode);
          for (const [name, value] of Object.entries(http.headers)) response.setHeader(name, value);
          response.end(http.body?.bytes === undefined ? undefined : Buffer.from(http.body.bytes));
        },
        (error) => {
          console.error(error);
          response.statusCode = 500;
          response.end();
        },
      );
    });
  });
  server.listen(Number(mode === '--port' ? portArgument : 0), '127.0.0.1', () => {
    console.log(`functions host listening on http://127.0.0.1:${server.address().port}`);
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}
