/** What the deployment bundle loads on first use (see `deferred.ts`): the Functions handlers and the local host. */
export { functionHandlers } from './azure';
export { runLocalHost } from './start';
