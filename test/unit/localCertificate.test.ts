/**
 * The local https certificate is made once and kept, so the trust a developer gave it lasts across restarts;
 * it is made again only when it no longer fits (another key, expiring soon).
 */
import { X509Certificate } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { describe, expect, it } from 'vitest';
import { CERTIFICATE_FILE, loadLocalCertificate } from '../../src/host/localCertificate';
import { temporaryKeysDirectory } from '../support/testHost';

describe('local certificate', () => {
  it('is made once for localhost, 127.0.0.1 and ::1, with a key only its owner reads, then reused', async () => {
    const directory = temporaryKeysDirectory();
    const first = await loadLocalCertificate(directory);
    expect(first.certFile).toBe(join(directory, CERTIFICATE_FILE));
    const x509 = new X509Certificate(first.cert);
    expect(x509.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(x509.ca).toBe(false);
    expect(new Date(x509.validTo).getTime() - Date.now()).toBeGreaterThan(360 * 86_400_000);
    expect(statSync(join(directory, 'localhost.key.pem')).mode & 0o777).toBe(0o600);
    expect((await loadLocalCertificate(directory)).cert).toBe(first.cert);
  });

  it('is made again when it expires within a month', async () => {
    const directory = temporaryKeysDirectory();
    await loadLocalCertificate(directory);
    const now = new Date();
    const names = [
      { type: 2, value: 'localhost' },
      { type: 7, ip: '127.0.0.1' },
      { type: 7, ip: '::1' },
    ] as const;
    const expiring = await generate([{ name: 'commonName', value: 'expiring' }], {
      algorithm: 'sha256',
      notBeforeDate: now,
      notAfterDate: new Date(now.getTime() + 10 * 86_400_000),
      extensions: [{ name: 'subjectAltName', altNames: [...names] }],
    });
    writeFileSync(join(directory, 'localhost.key.pem'), expiring.private);
    writeFileSync(join(directory, CERTIFICATE_FILE), expiring.cert);
    const renewed = await loadLocalCertificate(directory);
    expect(renewed.cert).not.toBe(expiring.cert);
    expect(new Date(new X509Certificate(renewed.cert).validTo).getTime() - Date.now()).toBeGreaterThan(
      360 * 86_400_000,
    );
  });
});
