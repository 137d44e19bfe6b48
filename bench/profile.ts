/**
 * `npm run bench:profile -- <create|get|list|report>`: where the service's CPU goes for one kind of request.
 * Runs the local host from the sources under `node --cpu-prof` (the database in its own process), loads it
 * with that request at concurrency 16, then prints the profile's self time by package (node's own modules,
 * each dependency, the project's files) and its busiest functions. The profile is kept for a closer look
 * (e.g. in Chrome's DevTools).
 *
 *   npm run bench:profile -- create [--seconds 5]
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Call, load, send, startProcess, stopProcesses } from './processes';

const { values, positionals } = parseArgs({
  options: { seconds: { type: 'string', default: '5' } },
  allowPositionals: true,
});
const KINDS = ['create', 'get', 'list', 'report'] as const;
type Kind = (typeof KINDS)[number];
const kind = (positionals[0] ?? 'create') as Kind;
if (!KINDS.includes(kind)) throw new Error(`usage: bench:profile -- <${KINDS.join('|')}>`);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function groupOf(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return 'node';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency?.[1] !== undefined) return dependency[1];
  const own = /\/(src\/[^?]*)/.exec(url);
  return own?.[1] ?? url;
}

function summarize(profile: Profile): void {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, micros] of self) {
    const frame = nodes.get(id)?.callFrame;
    if (frame === undefined || frame.functionName === '(idle)') continue;
    busy += micros;
    const group = groupOf(frame.url, frame.functionName);
    groups.set(group, (groups.get(group) ?? 0) + micros);
    const where = frame.url === '' ? '' : ` ${group}:${frame.lineNumber + 1}`;
    const name = `${frame.functionName || '(anonymous)'}${where}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
  }
  const top = (map: Map<string, number>, count: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, micros]) => `  ${((100 * micros) / busy).toFixed(1).padStart(5)} %  ${name}`)
      .join('\n');
  console.log(`busy ${(busy / 1000).toFixed(0)} ms; self time by package:\n${top(groups, 15)}`);
  console.log(`busiest functions:\n${top(functions, 30)}`);
}

async function main(): Promise<void> {
  const cosmos = await startProcess(
    ['--import', 'tsx', 'src/host/cosmosOnly.ts'],
    { COSMOS_PORT: '0' },
    /on (\S+) .*key: (\S+)/,
  );
  const profiles = mkdtempSync(join(tmpdir(), 'bench-profile-'));
  const api = await startProcess(
    ['--cpu-prof', '--cpu-prof-dir', profiles, '--import', 'tsx', 'src/host/start.ts'],
    {
      COSMOS_ENDPOINT: cosmos.match[1] ?? '',
      COSMOS_KEY: cosmos.match[2] ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      DEV_KEYS_DIR: join(profiles, 'keys'),
    },
    /listening on (\S+)\/beta[\s\S]*every delegated scope[^\n]*\n(\S+)\n/,
  );
  const base = api.match[1] ?? '';
  const token = api.match[2] ?? '';
  const statistic = (i: number): Call => ({
    method: 'POST',
    path: '/beta/me/analytics/activityStatistics',
    body: {
      activity: 'Call',
      startDate: `2001-01-${String((i % 28) + 1).padStart(2, '0')}`,
      endDate: '2001-02-01',
      duration: 'PT1M',
    },
  });
  // Data for the reads, then a warm-up of the profiled request.
  for (let i = 0; i < 28; i += 1) await send(base, token, statistic(i));
  for (let i = 0; i < 50; i += 1) {
    await send(base, token, {
      method: 'POST',
      path: '/beta/reports/office365ActivationCounts',
      body: { reportRefreshDate: '2024-01-01', productType: `Product ${i}`, windows: i },
    });
  }
  const calls: Record<Kind, (i: number) => Call> = {
    create: statistic,
    get: (i) => ({
      method: 'GET',
      path: `/beta/me/analytics/activityStatistics/call_2001-01-${String((i % 28) + 1).padStart(2, '0')}_2001-02-01`,
    }),
    list: () => ({ method: 'GET', path: '/beta/me/analytics/activityStatistics?$top=10' }),
    report: () => ({ method: 'GET', path: '/beta/reports/getOffice365ActivationCounts' }),
  };
  await load(base, token, calls[kind], { ms: 1000 });
  const result = await load(base, token, calls[kind], { ms: Number(values.seconds) * 1000 });
  console.log(
    `${kind}: ${result.count} requests, ${(result.count / result.seconds).toFixed(0)}/s, ${result.errors} errors`,
  );
  const exited = new Promise((resolve) => api.child.once('exit', resolve));
  api.child.kill('SIGTERM');
  await exited;
  const file = readdirSync(profiles).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no profile in ${profiles}`);
  summarize(JSON.parse(readFileSync(join(profiles, file), 'utf8')) as Profile);
  console.log(`profile: ${join(profiles, file)} (includes start-up and warm-up)`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(stopProcesses);
