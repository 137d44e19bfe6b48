/**
 * The local host's https certificate: self-signed for localhost, 127.0.0.1 and ::1, made on first use and
 * kept beside the development issuer's keys (never committed). Nothing trusts it until the developer says
 * so, e.g. `NODE_EXTRA_CA_CERTS=.dev-keys/localhost.cert.pem` for Node or `curl --cacert …`; the service
 * never switches certificate checks off.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const CERTIFICATE_FILE = 'localhost.cert.pem';
const KEY_FILE = 'localhost.key.pem';

/** Made again when fewer days than this are left. */
const RENEW_DAYS = 30;
const VALID_DAYS = 365;
const NAMES = ['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1'];

export interface LocalCertificate {
  readonly key: string;
  readonly cert: string;
  /** The certificate's file: what the developer trusts. */
  readonly certFile: string;
}

function usable(key: string, cert: string): boolean {
  try {
    const x509 = new X509Certificate(cert);
    const names = (x509.subjectAltName ?? '').split(', ');
    return (
      x509.checkPrivateKey(createPrivateKey(key)) &&
      NAMES.every((name) => names.includes(name)) &&
      new Date(x509.validTo).getTime() - Date.now() > RENEW_DAYS * 86_400_000
    );
  } catch {
    return false;
  }
}

/** The certificate kept in `directory`, made (key readable by its owner only) when missing or about to expire. */
export async function loadLocalCertificate(directory: string): Promise<LocalCertificate> {
  const certFile = join(directory, CERTIFICATE_FILE);
  const keyFile = join(directory, KEY_FILE);
  const [key, cert] = await Promise.all([
    readFile(keyFile, 'utf8').catch(() => ''),
    readFile(certFile, 'utf8').catch(() => ''),
  ]);
  if (usable(key, cert)) return { key, cert, certFile };

  // Only `npm start` with HTTPS needs the generator (a development dependency): loaded on demand.
  const { generate } = await import('selfsigned');
  const now = new Date();
  const made = await generate([{ name: 'commonName', value: 'graph-analytics-api local host' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + VALID_DAYS * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  await mkdir(directory, { recursive: true, mode: 0o700 });
  // Written aside and renamed, so a host starting at the same moment never reads half a file.
  const suffix = `.${process.pid}.tmp`;
  await writeFile(keyFile + suffix, made.private, { mode: 0o600 });
  await writeFile(certFile + suffix, made.cert, { mode: 0o644 });
  await rename(keyFile + suffix, keyFile);
  await rename(certFile + suffix, certFile);
  return { key: made.private, cert: made.cert, certFile };
}
