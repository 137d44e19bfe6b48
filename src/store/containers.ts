/**
 * The container list shared with the Bicep (`infra/containers.json`), decoded once. The app names the
 * containers it uses here; a test checks the two agree.
 */
import { z } from 'zod';
import definitions from '../../infra/containers.json';

/** The containers the app reads and writes, one per resource type. */
export const CONTAINER_NAMES = [
  'activityStatistics',
  'itemActivities',
  'office365ActivationCounts',
  'office365ActiveUserCounts',
] as const;
export type ContainerName = (typeof CONTAINER_NAMES)[number];

const indexPath = z.object({ path: z.string().startsWith('/') });
const compositePath = z.object({ path: z.string().startsWith('/'), order: z.enum(['ascending', 'descending']) });

const containerDefinition = z.object({
  name: z.enum(CONTAINER_NAMES),
  partitionKeyPath: z.literal('/pk'),
  indexingPolicy: z.object({
    indexingMode: z.enum(['consistent', 'none']),
    automatic: z.boolean(),
    includedPaths: z.array(indexPath),
    excludedPaths: z.array(indexPath),
    compositeIndexes: z.array(z.array(compositePath).min(2)),
  }),
});
export type ContainerDefinition = z.infer<typeof containerDefinition>;

const containerFile = z.object({ containers: z.array(containerDefinition) }).superRefine((file, ctx) => {
  const names = file.containers.map((c) => c.name);
  for (const name of CONTAINER_NAMES) {
    if (names.filter((n) => n === name).length !== 1) {
      ctx.addIssue({ code: 'custom', message: `infra/containers.json must define '${name}' exactly once.` });
    }
  }
});

/** The decoded definitions; a malformed file is a build fault and fails loudly on first use. */
export const CONTAINERS: readonly ContainerDefinition[] = containerFile.parse(definitions).containers;
