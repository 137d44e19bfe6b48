/**
 * Per-request cost of authentication: verifying the RS256 signature every time versus the verified-token
 * cache. Rounds alternate between the two so that machine noise hits both alike; medians are printed.
 *
 *   npm run bench:auth [-- --requests 2000 --rounds 9]
 */
import { parseArgs } from 'node:util';
import { HttpRequest } from '@azure/functions';
import { generateDevelopmentKeys, developmentPolicy, issueDevelopmentToken } from '../src/auth/developmentIssuer';
import { TokenAuthenticator } from '../src/auth/tokens';
import { median } from './statistics';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '9' } },
});
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);

/** CPU and wall microseconds per authenticate() call over one round. */
async function round(authenticator: TokenAuthenticator, request: HttpRequest): Promise<{ cpu: number; wall: number }> {
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS; i += 1) await authenticator.authenticate(request);
  const cpu = process.cpuUsage(cpuStart);
  const wall = Number(process.hrtime.bigint() - wallStart) / 1000;
  return { cpu: (cpu.user + cpu.system) / REQUESTS, wall: wall / REQUESTS };
}

async function main(): Promise<void> {
  const keys = await generateDevelopmentKeys();
  const policy = developmentPolicy(keys, { allowedTenants: undefined, clockSkewSeconds: 300 });
  const token = await issueDevelopmentToken(keys, {
    tenantId: '8b6a4a39-4cd4-4d4b-9a57-0f7bd3d2a6e1',
    userId: '5d7f0c8e-2b1a-4c3e-9f6d-7a8b9c0d1e2f',
    scopes: ['Reports.Read.All'],
  });
  const request = new HttpRequest({
    method: 'GET',
    url: 'http://localhost/beta/reports',
    headers: { authorization: `Bearer ${token}` },
  });
  const uncached = new TokenAuthenticator(policy, 0);
  const cached = new TokenAuthenticator(policy, 10_000);

  await round(uncached, request); // warm-up: JIT, key import
  await round(cached, request);
  const samples = {
    uncached: { cpu: [] as number[], wall: [] as number[] },
    cached: { cpu: [] as number[], wall: [] as number[] },
  };
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const [name, authenticator] of [
      ['uncached', uncached],
      ['cached', cached],
    ] as const) {
      const result = await round(authenticator, request);
      samples[name].cpu.push(result.cpu);
      samples[name].wall.push(result.wall);
    }
  }
  const u = { cpu: median(samples.uncached.cpu), wall: median(samples.uncached.wall) };
  const c = { cpu: median(samples.cached.cpu), wall: median(samples.cached.wall) };
  console.log(`auth cost per request, median of ${ROUNDS} rounds x ${REQUESTS} requests (node ${process.version})`);
  console.log(`  verify every request : ${u.cpu.toFixed(1)} us CPU, ${u.wall.toFixed(1)} us wall`);
  console.log(`  verified-token cache : ${c.cpu.toFixed(2)} us CPU, ${c.wall.toFixed(2)} us wall`);
  console.log(`  ratio (verify / cache): ${(u.cpu / c.cpu).toFixed(0)}x CPU, ${(u.wall / c.wall).toFixed(0)}x wall`);
}

void main();
