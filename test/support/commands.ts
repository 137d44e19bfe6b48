/**
 * Runs the project's commands as a developer does (`npm start`'s entry, `npm run dev`, `npm run cosmos`,
 * `npm run token`), in child processes with only the settings a test gives them, and reads what they print.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { temporaryKeysDirectory } from './testHost';

export const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** What `npm start` runs: the deployment package's bundle, built once by the tests' global setup. */
export const START_ENTRY = 'dist/app/main.js';

/** A child's environment: the machine's PATH and HOME, a fresh key directory, and the given settings only. */
export function commandEnvironment(settings: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...(process.env.TMPDIR === undefined ? {} : { TMPDIR: process.env.TMPDIR }),
    DEV_KEYS_DIR: temporaryKeysDirectory(),
    ...settings,
  };
}

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { stdout: () => stdout, stderr: () => stderr, exit };
}

/** Lines a person would read: npm's own warnings about the machine's npm configuration left out. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('npm warn'));
}

/** Runs a command to its end: `node <tsx> <script> …args`, `npm …` or `bash -c …`. */
export async function run(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  options: { readonly input?: string; readonly cwd?: string } = {},
): Promise<Finished> {
  const child = spawn(command === 'tsx' ? process.execPath : command, command === 'tsx' ? [TSX, ...args] : args, {
    cwd: options.cwd ?? ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = collect(child);
  child.stdin?.end(options.input ?? '');
  const code = await output.exit;
  return { code, stdout: output.stdout(), stderr: output.stderr() };
}

export interface RunningHost {
  /** `http(s)://localhost:<port>`, as the host printed it. */
  readonly url: string;
  readonly env: Record<string, string>;
  stdout(): string;
  stderr(): string;
  /** Stops the host (and every process it started) and waits for it. */
  stop(): Promise<void>;
}

/**
 * Starts a long-running command (`npm start`'s built host or `npm run dev`) in its own process group and
 * waits for its "listening on" line. PORT defaults to 0 so hosts never collide on the shared machine.
 */
export async function startHost(
  command: 'start' | 'npm run dev',
  settings: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<RunningHost> {
  const env = commandEnvironment({ PORT: '0', ...settings });
  const child =
    command === 'start'
      ? spawn(process.execPath, [START_ENTRY], { cwd: ROOT, env, detached: true })
      : spawn('npm', ['run', 'dev'], { cwd: ROOT, env, detached: true });
  const output = collect(child);
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    await output.exit;
  };
  const started = Date.now();
  for (;;) {
    const listening = /listening on (https?:\/\/\S+)\/beta/.exec(output.stdout());
    if (listening?.[1] !== undefined) {
      return { url: listening[1], env, stdout: output.stdout, stderr: output.stderr, stop };
    }
    if (child.exitCode !== null || Date.now() - started > timeoutMs) {
      await stop();
      throw new Error(`${command} did not start:\n${output.stdout()}\n${output.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
