/**
 * The token tool's options: ranges, expired and not-yet-valid tokens (with the times they sign), and one-line
 * messages for what it cannot use.
 */
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateDevelopmentKeys, issueDevelopmentToken } from '../../src/auth/developmentIssuer';
import { USAGE, readTokenArguments, skewNotes } from '../../src/host/tokenArguments';

const TENANT = '8B6A4A39-4CD4-4D4B-9A57-0F7BD3D2A6E1';
const USER = '5d7f0c8e-2b1a-4c3e-9f6d-7a8b9c0d1e2f';
const delegated = ['--tenant', TENANT, '--user', USER, '--scopes', 'Reports.Read.All, Analytics.Read'];

function request(...args: string[]) {
  const read = readTokenArguments(args);
  if (read.kind !== 'token') throw new Error(`expected a token request, got ${JSON.stringify(read)}`);
  return read.request;
}

function error(...args: string[]): string {
  const read = readTokenArguments(args);
  if (read.kind !== 'error') throw new Error(`expected an error, got ${read.kind}`);
  return read.message;
}

/** iat, nbf and exp of the signed token, in minutes from now. */
async function times(...args: string[]): Promise<{ iat: number; nbf: number; exp: number }> {
  const claims = decodeJwt(await issueDevelopmentToken(await generateDevelopmentKeys(), request(...args)));
  const now = Date.now() / 1000;
  // + 0 turns -0 into 0.
  const minutes = (value: number | undefined) => Math.round(((value ?? NaN) - now) / 60) + 0;
  return { iat: minutes(claims.iat), nbf: minutes(claims.nbf), exp: minutes(claims.exp) };
}

describe('token tool options', () => {
  it('--help, and a delegated or app-only request with an hour by default', () => {
    expect(readTokenArguments(['--help'])).toEqual({ kind: 'help' });
    expect(USAGE).toContain('-1440 to 1440');
    expect(request(...delegated)).toEqual({
      tenantId: TENANT.toLowerCase(),
      userId: USER,
      scopes: ['Reports.Read.All', 'Analytics.Read'],
      roles: [],
      lifetimeSeconds: 3600,
    });
    expect(request('--tenant', TENANT, '--roles', 'Reports.Read.All')).toMatchObject({ userId: undefined });
  });

  it('signs expired, short-lived and not-yet-valid tokens', async () => {
    expect(await times(...delegated)).toEqual({ iat: 0, nbf: 0, exp: 60 });
    expect(await times(...delegated, '--expired')).toEqual({ iat: -120, nbf: -120, exp: -60 });
    expect(await times(...delegated, '--minutes', '-30')).toEqual({ iat: -90, nbf: -90, exp: -30 });
    expect(await times(...delegated, '--minutes=-30', '--not-before', '-45')).toEqual({ iat: -45, nbf: -45, exp: -30 });
    expect(await times(...delegated, '--not-before', '30')).toEqual({ iat: 0, nbf: 30, exp: 60 });
    expect(await times(...delegated, '--minutes', '1440')).toEqual({ iat: 0, nbf: 0, exp: 1440 });
  });

  it('says, in one line, what it cannot use', () => {
    expect(error('--bogus')).toBe("Unknown option '--bogus'");
    expect(error(...delegated, '--minutes', '0')).toBe('--minutes: expected whole minutes from -1440 to 1440, not 0');
    expect(error(...delegated, '--minutes', '1441')).toBe(
      '--minutes: expected whole minutes from -1440 to 1440, not 0',
    );
    expect(error(...delegated, '--minutes', '1.5')).toBe('--minutes: expected whole minutes from -1440 to 1440, not 0');
    expect(error(...delegated, '--not-before', '-2000')).toBe(
      '--not-before: expected whole minutes from -1440 to 1440',
    );
    expect(error(...delegated, '--expired', '--minutes', '5')).toBe('give --expired or --minutes, not both');
    expect(error(...delegated, '--not-before', '90')).toBe('--not-before must come before the expiry (--minutes)');
    expect(error('--tenant', 'contoso', '--scopes', 'x')).toBe(
      '--tenant: expected a GUID; --scopes needs --user (an app-only token carries --roles only); give --user (delegated) or --roles (app-only)',
    );
    expect(error('--tenant', TENANT, '--minutes')).toBe("Option '--minutes <value>' argument missing");
  });

  it('notes a token that the clock skew still lets through', () => {
    const note = (...args: string[]) => skewNotes(request(...delegated, ...args), 300);
    expect(note('--minutes', '-2')).toEqual([
      'expired less than AUTH_CLOCK_SKEW_SECONDS (300 s) ago, so still accepted',
    ]);
    expect(note('--not-before', '3')).toEqual([
      'valid in less than AUTH_CLOCK_SKEW_SECONDS (300 s), so already accepted',
    ]);
    expect(note('--expired')).toEqual([]);
    expect(note('--not-before', '30')).toEqual([]);
  });
});
