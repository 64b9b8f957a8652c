// A throwaway CA and serving certificate made with the openssl CLI, and the kubeconfig that points at the sim.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = kube-sim
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc
authorityKeyIdentifier = keyid
`;

export interface ServingCert {
  caCertPath: string;
  certPath: string;
  keyPath: string;
}

/** CA (P-256, 2 days) plus a server certificate for 127.0.0.1/localhost signed by it, in dir. */
export async function makeServingCert(dir: string): Promise<ServingCert> {
  const p = (name: string) => join(dir, name);
  await writeFile(p('openssl.cnf'), CONFIG);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const base = ['-config', p('openssl.cnf')];
  await run(
    'openssl',
    ['req', '-x509', ...base, '-extensions', 'ca', ...ec, '-days', '2'].concat([
      '-subj',
      '/CN=kube-sim-ca',
      '-keyout',
      p('ca.key'),
      '-out',
      p('ca.crt'),
    ]),
  );
  await run(
    'openssl',
    ['req', '-new', ...base, ...ec, '-subj', '/CN=kube-apiserver'].concat([
      '-keyout',
      p('server.key'),
      '-out',
      p('server.csr'),
    ]),
  );
  await run(
    'openssl',
    ['x509', '-req', '-in', p('server.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key')]
      .concat(['-CAcreateserial', '-days', '2', '-extfile', p('openssl.cnf'), '-extensions', 'server'])
      .concat(['-out', p('server.crt')]),
  );
  return { caCertPath: p('ca.crt'), certPath: p('server.crt'), keyPath: p('server.key') };
}

export const CLUSTER_NAME = 'sim-homelab';
export const CONTEXT_NAME = 'sim';

/** kubeconfig YAML: cluster "sim-homelab", context "sim", user with a bearer token (none when omitted). */
export function kubeconfigYaml(server: string, opts: { caCertPath?: string; token?: string }): string {
  const q = JSON.stringify;
  // client-node refuses http:// servers unless insecure-skip-tls-verify is set.
  const trust = opts.caCertPath
    ? `    certificate-authority: ${q(opts.caCertPath)}`
    : '    insecure-skip-tls-verify: true';
  const user = opts.token ? `    token: ${q(opts.token)}` : '    {}';
  return [
    'apiVersion: v1',
    'kind: Config',
    'preferences: {}',
    'clusters:',
    `- name: ${CLUSTER_NAME}`,
    '  cluster:',
    `    server: ${q(server)}`,
    trust,
    'contexts:',
    `- name: ${CONTEXT_NAME}`,
    '  context:',
    `    cluster: ${CLUSTER_NAME}`,
    '    user: sim-user',
    '    namespace: default',
    `current-context: ${CONTEXT_NAME}`,
    'users:',
    '- name: sim-user',
    '  user:',
    user,
    '',
  ].join('\n');
}
