/**
 * The deployed artifact: `npm test` builds first, and every module `package.json` `main` names loads in a
 * plain Node process (CommonJS, as the Functions worker loads it) without throwing at import.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/operations';

const root = join(__dirname, '..', '..');

describe('built function modules', () => {
  it('exist for every function, where package.json main points', () => {
    const main = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string }).main;
    const directory = join(root, main.slice(0, main.lastIndexOf('/')));
    expect(existsSync(directory), `${directory} (run npm run build)`).toBe(true);
    const built = readdirSync(directory)
      .filter((file) => file.endsWith('.js'))
      .sort();
    const sources = readdirSync(join(root, 'functions'))
      .map((file) => file.replace(/\.ts$/, '.js'))
      .sort();
    expect(built).toEqual(sources);
    // Every operation, the catch-all and the health function.
    expect(built).toHaveLength(OPERATIONS.length + 2);
    expect(existsSync(join(root, 'dist', 'infra', 'containers.json'))).toBe(true);
  });

  it('load in plain Node without an import-time throw', () => {
    const script = `
      const { readdirSync } = require('node:fs');
      const dir = ${JSON.stringify(join(root, 'dist', 'functions'))};
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) require(dir + '/' + file);
      process.stdout.write('loaded');
    `;
    const result = spawnSync(process.execPath, ['-e', script], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('loaded');
  });

  it('leave out of the package, by .funcignore, local secrets, coverage, logs and source maps', () => {
    const ignored = readFileSync(join(root, '.funcignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim());
    // Unanchored, so they match anywhere in the tree (dist/**/*.map, a stray .env).
    for (const pattern of ['.env', '.env.*', 'coverage/', '*.log', '*.map']) expect(ignored).toContain(pattern);
  });
});
