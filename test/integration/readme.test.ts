/**
 * The README tells the truth: every code block in it says, in an HTML comment just before it, how it is
 * verified, and this file does it (the grammar is in the README's last section). Blocks are run as a reader
 * would run them, against local hosts started as the README says.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Agent, fetch as fetchWith } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningHost, ROOT, run, startHost } from '../support/commands';
import { DEV_TENANT, DEV_USER } from '../support/testHost';

type Check =
  | { readonly kind: 'run'; readonly settings: Record<string, string>; readonly prints: string | undefined }
  | { readonly kind: 'file'; readonly name: string }
  | { readonly kind: 'host' }
  | { readonly kind: 'ci' }
  | { readonly kind: 'test'; readonly paths: readonly string[] }
  | { readonly kind: 'none'; readonly reason: string };

interface Block {
  /** The line of the opening fence, for messages. */
  readonly line: number;
  readonly language: string;
  readonly code: string;
  /** The comment's text, or undefined when the block has none. */
  readonly comment: string | undefined;
}

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function blocksOf(text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const fence = /^```(\S*)\s*$/.exec(lines[i] ?? '');
    if (fence === null) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end += 1;
    let above = i - 1;
    while (above >= 0 && (lines[above] ?? '').trim() === '') above -= 1;
    const comment = /^<!-- check: (.+?) -->$/.exec((lines[above] ?? '').trim())?.[1];
    blocks.push({ line: i + 1, language: fence[1] ?? '', code: lines.slice(i + 1, end).join('\n'), comment });
    i = end;
  }
  return blocks;
}

/** `VAR=value` words, as a shell reads them before a command. */
function settingsOf(words: string): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const word of words
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '')) {
    const setting = /^([A-Z_][A-Z0-9_]*)=(\S*)$/.exec(word);
    if (setting?.[1] === undefined) throw new Error(`'${word}' is not VAR=value`);
    settings[setting[1]] = setting[2] ?? '';
  }
  return settings;
}

function checkOf(comment: string): Check {
  const runCheck = /^run(?:\s+([^;]*?))?\s*(?:;\s*prints "(.+)")?$/.exec(comment);
  if (runCheck !== null) return { kind: 'run', settings: settingsOf(runCheck[1] ?? ''), prints: runCheck[2] };
  const file = /^file (\S+)$/.exec(comment);
  if (file?.[1] !== undefined) return { kind: 'file', name: file[1] };
  if (comment === 'host' || comment === 'ci') return { kind: comment };
  const test = /^test (.+)$/.exec(comment);
  if (test?.[1] !== undefined) return { kind: 'test', paths: test[1].split(/\s+/) };
  const none = /^none: (.{5,})$/.exec(comment);
  if (none?.[1] !== undefined) return { kind: 'none', reason: none[1] };
  throw new Error(`unknown check '${comment}'`);
}

const blocks = blocksOf(README).map((block) => ({
  ...block,
  check: block.comment === undefined ? undefined : checkOf(block.comment),
}));
const named = (kind: Check['kind']) => blocks.filter((block) => block.check?.kind === kind);

/** Command lines of a shell block: comments and blank lines left out, continuation lines joined. */
function commandLines(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

describe('README', () => {
  it('says how every code block is checked', () => {
    const unchecked = blocks.filter((block) => block.check === undefined).map((block) => `README.md:${block.line}`);
    expect(unchecked, 'add <!-- check: … --> before these blocks (see "How this README is checked")').toEqual([]);
    for (const block of named('test')) {
      if (block.check?.kind !== 'test') continue;
      for (const path of block.check.paths) expect(() => readFileSync(join(ROOT, path)), path).not.toThrow();
    }
    for (const block of named('run')) expect(block.language, `README.md:${block.line}`).toBe('sh');
    for (const block of named('file')) {
      if (block.check?.kind !== 'file') continue;
      // The clone's file is what npm test type-checks and lints: the README shows exactly it.
      expect(`${block.code}\n`, `README.md:${block.line}`).toBe(readFileSync(join(ROOT, block.check.name), 'utf8'));
    }
    expect(named('run').length).toBeGreaterThanOrEqual(4);
  });

  it('names only npm scripts that exist', () => {
    const scripts = Object.keys(
      (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: object }).scripts,
    );
    const mentioned = [...README.matchAll(/npm run (?:--silent |-s )?([\w:-]+)/g)].map((match) => match[1]);
    expect(mentioned.length).toBeGreaterThan(5);
    for (const script of new Set([...mentioned, 'start', 'test'])) expect(scripts).toContain(script);
  });

  it.each(named('ci').map((block) => [block.line, block] as const))(
    'README.md:%i: .ci/run runs every command of the block',
    (_line, block) => {
      const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8').split('\n');
      for (const command of commandLines(block.code)) {
        expect(
          ci.some((line) => line === command || line.startsWith(`${command} `)),
          command,
        ).toBe(true);
      }
    },
  );
});

/** Hosts shared by the blocks that ask for the same command and settings, stopped at the end. */
const hosts = new Map<string, Promise<RunningHost>>();
function hostFor(command: 'start' | 'npm run dev', settings: Record<string, string>): Promise<RunningHost> {
  const key = `${command} ${JSON.stringify(Object.entries(settings).sort())}`;
  let host = hosts.get(key);
  if (host === undefined) {
    // Always a free port: the README's 7071 may be taken on a shared machine.
    host = startHost(command, { ...settings, PORT: '0' });
    hosts.set(key, host);
  }
  return host;
}
afterAll(async () => {
  const started = await Promise.allSettled(hosts.values());
  await Promise.all(started.flatMap((host) => (host.status === 'fulfilled' ? [host.value.stop()] : [])));
});

/** The block as it reads for a given host: its address, its key directory, the development ids. */
function forHost(text: string, host: RunningHost): string {
  return text
    .replaceAll('localhost:7071', new URL(host.url).host)
    .replaceAll('.dev-keys', host.env.DEV_KEYS_DIR ?? '.dev-keys')
    .replaceAll('<tenant guid>', DEV_TENANT)
    .replaceAll('<user guid>', DEV_USER);
}

/** A request the way a client that trusts the host's certificate (if any) makes it. */
async function answer(host: RunningHost, path: string): Promise<{ status: number; body: unknown }> {
  const ca = host.url.startsWith('https:')
    ? readFileSync(join(host.env.DEV_KEYS_DIR ?? '', 'localhost.cert.pem'), 'utf8')
    : undefined;
  const dispatcher = new Agent(ca === undefined ? {} : { connect: { ca } });
  try {
    const response = await fetchWith(`${host.url}${path}`, { dispatcher });
    return { status: response.status, body: await response.json() };
  } finally {
    await dispatcher.close();
  }
}

describe.concurrent('README host blocks: each line starts a host that answers', () => {
  const lines = named('host').flatMap((block) =>
    commandLines(block.code).map((command) => [block.line, command] as const),
  );

  it.each(lines)('README.md:%i: %s', async (_line, command) => {
    const parsed = /^((?:[A-Z_][A-Z0-9_]*=\S+\s+)*)(npm start|npm run dev)$/.exec(command);
    expect(parsed, `'${command}' is not [VAR=value …] npm start | npm run dev`).not.toBeNull();
    const host = await hostFor(parsed?.[2] === 'npm run dev' ? 'npm run dev' : 'start', settingsOf(parsed?.[1] ?? ''));
    expect(await answer(host, '/beta/nowhere')).toMatchObject({
      status: 404,
      body: { error: { code: 'ResourceNotFound' } },
    });
    if (host.url.startsWith('https:')) {
      // Trusted only where the developer says so: the host tells how, and a client that was not told refuses.
      expect(host.stdout()).toContain(`NODE_EXTRA_CA_CERTS=${join(host.env.DEV_KEYS_DIR ?? '', 'localhost.cert.pem')}`);
      await expect(fetch(`${host.url}/beta/nowhere`)).rejects.toThrow();
    }
  });
});

describe.concurrent('README run blocks: they run as written against the host they ask for', () => {
  it.each(named('run').map((block) => [block.line, block] as const))('README.md:%i', async (line, block) => {
    if (block.check?.kind !== 'run') throw new Error('not a run block');
    const host = await hostFor('start', block.check.settings);
    // Files the README asks to save, since the previous run block, in a scratch directory of the clone
    // (so npm and module resolution find the project), never over a file of the developer's.
    const scratchRoot = join(ROOT, 'node_modules', '.cache', 'readme-check');
    mkdirSync(scratchRoot, { recursive: true });
    const scratch = mkdtempSync(join(scratchRoot, 'block-'));
    const previousRun = Math.max(
      0,
      ...named('run')
        .filter((b) => b.line < line)
        .map((b) => b.line),
    );
    for (const file of named('file').filter((b) => b.line > previousRun && b.line < line)) {
      if (file.check?.kind !== 'file') continue;
      mkdirSync(dirname(join(scratch, file.check.name)), { recursive: true });
      writeFileSync(join(scratch, file.check.name), forHost(file.code, host));
    }
    try {
      const code = forHost(block.code, host);
      const finished = await run('bash', ['-e', '-o', 'pipefail', '-c', code], host.env, { cwd: scratch });
      const output = `${finished.stdout}\n${finished.stderr}`;
      expect(finished.code, output).toBe(0);
      // curl -i prints each status line (CRLF-ended) right after the previous body, which has no newline.
      const statuses = [...finished.stdout.matchAll(/HTTP\/[\d.]+ (\d{3})[^\r\n]*\r\n/g)].map((match) =>
        Number(match[1]),
      );
      expect(statuses, output).toHaveLength((code.match(/curl -i\b/g) ?? []).length);
      expect(
        statuses.filter((status) => status < 200 || status > 299),
        output,
      ).toEqual([]);
      if (block.check.prints !== undefined) expect(finished.stdout, output).toContain(block.check.prints);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
