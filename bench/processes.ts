/**
 * The pieces of the HTTP benchmarks that run the service in processes of their own: start a process (its
 * output in a file), read its CPU time and RSS, and load it with concurrent callers over keep-alive.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../scripts/build';

export const CONCURRENCY = 16;
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || '100');

export interface Started {
  readonly child: ChildProcess;
  readonly match: RegExpExecArray;
  output(): string;
}

export const children: ChildProcess[] = [];

/** Starts a process with its output in a file (read until `pattern` shows), so that a chatty one costs no pipe. */
export async function startProcess(args: string[], env: Record<string, string>, pattern: RegExp): Promise<Started> {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-lean-')), 'output.log');
  const fd = openSync(file, 'w');
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  children.push(child);
  const output = () => readFileSync(file, 'utf8');
  const started = Date.now();
  for (;;) {
    const match = pattern.exec(output());
    if (match !== null) return { child, match, output };
    if (child.exitCode !== null || Date.now() - started > 60_000) {
      throw new Error(`${args.join(' ')} did not start:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** User and system CPU of a process so far, in µs. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1e6;
}

export function rssMiB(pid: number): number {
  const kib = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib) / 1024;
}

export interface Call {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
}

export interface LoadResult {
  readonly count: number;
  readonly errors: number;
  readonly seconds: number;
  readonly latencies: number[];
}

export const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

export function send(base: string, token: string, call: Call): Promise<{ status: number; text: string }> {
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${call.path}`,
      {
        method: call.method,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `CONCURRENCY` callers, each sending the next call as soon as its last one is answered, until a time or count. */
export async function load(
  base: string,
  token: string,
  next: (i: number) => Call,
  limit: { readonly ms?: number; readonly count?: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + (limit.ms ?? Infinity);
  const worker = async () => {
    while (performance.now() < deadline && issued < (limit.count ?? Infinity)) {
      const call = next(issued);
      issued += 1;
      const sent = performance.now();
      const { status } = await send(base, token, call);
      latencies.push(performance.now() - sent);
      if (status >= 300) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { count: latencies.length, errors, seconds: (performance.now() - started) / 1000, latencies };
}

/** Ends every process started here. */
export function stopProcesses(): void {
  agent.destroy();
  for (const child of children) child.kill('SIGTERM');
}
