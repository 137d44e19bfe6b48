/**
 * The app behind the registrations: the Functions handlers and the local host. Here it is imported as any
 * module; in the deployment bundle the build replaces this module by one that compiles the app's code (kept
 * in the bundle as text) on first use, so that loading the package costs only the registrations.
 */
import * as deferred from './app';

export type DeferredApp = typeof deferred;

export function loadApp(): DeferredApp {
  return deferred;
}
