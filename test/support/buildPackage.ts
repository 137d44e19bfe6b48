/**
 * vitest's global setup: builds the deployment package once (`npm run build`, about two seconds), so that the
 * tests of the package and of `npm start` run the same built output the deployment does.
 */
import { buildApp } from '../../scripts/build';

export default async function setup(): Promise<void> {
  await buildApp();
}
