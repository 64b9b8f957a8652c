// Self-signed CA and per-endpoint leaf certificates made with the openssl CLI, as Proxmox makes its own.
import { execFile } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Ca {
  certPath: string;
  keyPath: string;
  /** PEM of the CA certificate, for clients that trust it instead of pinning. */
  pem: string;
}

export interface LeafCert {
  cert: Buffer;
  key: Buffer;
  /** SHA-256 of the DER certificate, lowercase hex without colons. */
  fingerprint: string;
  /** The same as Proxmox shows it: `AA:BB:...`. */
  fingerprintColon: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A CA like the one a Proxmox product creates at install time (subject names only differ). */
export async function makeCa(dir: string, name: string, subject: string): Promise<Ca> {
  const certPath = join(dir, `${name}-ca.pem`);
  const keyPath = join(dir, `${name}-ca.key`);
  const cnf = join(dir, `${name}-ca.cnf`);
  await writeFile(
    cnf,
    '[req]\ndistinguished_name=dn\n[dn]\n[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n',
  );
  await run(
    'openssl',
    ['req', '-x509', '-config', cnf, '-extensions', 'ca', ...EC, '-days', '3'].concat([
      '-subj',
      subject,
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ]),
  );
  return { certPath, keyPath, pem: await readFile(certPath, 'utf8') };
}

/** A serving certificate for 127.0.0.1 signed by ca; a fresh key every call, so a fresh fingerprint. */
export async function makeLeaf(
  dir: string,
  ca: Ca,
  name: string,
  subject: string,
  ip = '127.0.0.1',
): Promise<LeafCert> {
  const p = (ext: string) => join(dir, `${name}.${ext}`);
  await writeFile(
    p('cnf'),
    `[req]\ndistinguished_name=dn\n[dn]\n[leaf]\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:${ip},DNS:localhost,DNS:${name}\n`,
  );
  await run('openssl', [
    'req',
    '-new',
    '-config',
    p('cnf'),
    ...EC,
    '-subj',
    subject,
    '-keyout',
    p('key'),
    '-out',
    p('csr'),
  ]);
  // -set_serial instead of -CAcreateserial: leaves are signed in parallel and would race on the .srl file.
  await run(
    'openssl',
    ['x509', '-req', '-in', p('csr'), '-CA', ca.certPath, '-CAkey', ca.keyPath].concat(
      ['-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '3', '-extfile', p('cnf')],
      ['-extensions', 'leaf', '-out', p('pem')],
    ),
  );
  const [cert, key] = await Promise.all([readFile(p('pem')), readFile(p('key'))]);
  const fingerprintColon = new X509Certificate(cert).fingerprint256;
  return { cert, key, fingerprintColon, fingerprint: fingerprintColon.replaceAll(':', '').toLowerCase() };
}
