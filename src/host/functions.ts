/**
 * The Azure Functions registrations, made when the host loads the package: every function of the table, each
 * with a handler that loads the app on its first invocation (or when the host starts the app, whichever
 * comes first). Loading the package itself runs nothing a request does not need first.
 */
import { type HttpHandler, app } from '@azure/functions';
import type { FunctionHandlers } from './azure';
import { functionTable } from './functionTable';

export function registerFunctions(load: () => FunctionHandlers): void {
  for (const definition of functionTable()) {
    let handler: HttpHandler | undefined;
    app.http(definition.name, {
      methods: [...(definition.methods as HttpHandlerMethods)],
      route: definition.route,
      authLevel: 'anonymous',
      handler: (request, context) => {
        handler ??= load().handlerOf(definition.name);
        return handler(request, context);
      },
    });
  }
  // Services are built on start, not on the first request: a configuration fault is logged at once.
  app.hook.appStart(() => {
    setImmediate(() => load().startServices());
  });
}

type HttpHandlerMethods = NonNullable<Parameters<typeof app.http>[1]['methods']>;
