import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadKubeConfig } from './kubeconfig.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A kubeconfig with a cluster and a `<name>-ctx` context per name; current-context the first (null: none). */
function kubeconfig(
  file: string,
  clusters: Array<[name: string, server: string]>,
  current: string | null = `${clusters[0]?.[0]}-ctx`,
) {
  const lines = [
    'apiVersion: v1',
    'kind: Config',
    ...(current ? [`current-context: ${current}`] : []),
    'clusters:',
  ];
  for (const [name, server] of clusters) lines.push(`- name: ${name}`, '  cluster:', `    server: ${server}`);
  lines.push('contexts:');
  for (const [name] of clusters)
    lines.push(`- name: ${name}-ctx`, '  context:', `    cluster: ${name}`, '    user: u');
  lines.push('users:', '- name: u', '  user:', '    token: t', '');
  const path = join(dir, file);
  writeFileSync(path, lines.join('\n'));
  return path;
}

/** A service account mount as the kubelet writes it. */
function serviceAccount(namespace = 'monitoring') {
  const sa = join(dir, 'sa');
  mkdirSync(sa);
  writeFileSync(join(sa, 'token'), 'sa-token');
  writeFileSync(join(sa, 'ca.crt'), 'not a real CA');
  writeFileSync(join(sa, 'namespace'), namespace);
  return sa;
}

const inPod = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

describe('loadKubeConfig', () => {
  it('an explicit --kubeconfig wins over the pod and KUBECONFIG', () => {
    const file = kubeconfig('explicit', [['homelab', 'https://10.0.0.1:6443']]);
    const other = kubeconfig('other', [['other', 'https://10.9.9.9:6443']]);
    const got = loadKubeConfig({
      kubeconfig: file,
      env: { ...inPod, KUBECONFIG: other },
      serviceAccountDir: serviceAccount(),
    });
    expect(got).toMatchObject({
      ok: true,
      server: 'https://10.0.0.1:6443',
      context: 'homelab-ctx',
      clusterName: 'homelab',
      source: `--kubeconfig ${file}`,
    });
  });

  it('a missing --kubeconfig file is a reason, not a fall-through', () => {
    const got = loadKubeConfig({
      kubeconfig: join(dir, 'nope'),
      env: inPod,
      serviceAccountDir: serviceAccount(),
    });
    expect(got).toEqual({ ok: false, reason: `--kubeconfig ${join(dir, 'nope')}: no such file` });
  });

  it('in a pod: the service account, its namespace, no context', () => {
    const got = loadKubeConfig({ env: inPod, serviceAccountDir: serviceAccount('monitoring') });
    expect(got).toMatchObject({
      ok: true,
      server: 'https://10.96.0.1:443',
      context: undefined,
      clusterName: 'in-cluster',
      namespace: 'monitoring',
    });
    if (!got.ok) return;
    expect(got.kc.getCurrentUser()?.authProvider).toEqual({
      name: 'tokenFile',
      config: { tokenFile: join(dir, 'sa', 'token') },
    });
    expect(got.kc.getCurrentCluster()?.caFile).toBe(join(dir, 'sa', 'ca.crt'));
  });

  it('brackets an IPv6 service host', () => {
    const got = loadKubeConfig({
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1' },
      serviceAccountDir: serviceAccount(),
    });
    expect(got).toMatchObject({ ok: true, server: 'https://[fd00::1]:443' });
  });

  it('KUBECONFIG merges its files in order; the first name and current-context win', () => {
    const a = kubeconfig('a', [['alpha', 'https://a:6443']]);
    const b = kubeconfig('b', [
      ['alpha', 'https://shadowed:6443'],
      ['beta', 'https://b:6443'],
    ]);
    const env = { KUBECONFIG: [join(dir, 'missing'), a, b].join(delimiter), HOME: dir };
    expect(loadKubeConfig({ env })).toMatchObject({
      ok: true,
      server: 'https://a:6443',
      context: 'alpha-ctx',
    });
    expect(loadKubeConfig({ env, context: 'beta-ctx' })).toMatchObject({
      ok: true,
      server: 'https://b:6443',
      clusterName: 'beta',
    });
  });

  it('falls back to ~/.kube/config', () => {
    mkdirSync(join(dir, '.kube'));
    const file = kubeconfig('.kube/config', [['home', 'https://home:6443']]);
    expect(loadKubeConfig({ env: { HOME: dir } })).toMatchObject({
      ok: true,
      server: 'https://home:6443',
      source: file,
    });
  });

  it('--kube-context skips the service account and must name a context', () => {
    mkdirSync(join(dir, '.kube'));
    kubeconfig('.kube/config', [['home', 'https://home:6443']]);
    const env = { ...inPod, HOME: dir };
    expect(loadKubeConfig({ env, context: 'home-ctx', serviceAccountDir: serviceAccount() })).toMatchObject({
      ok: true,
      server: 'https://home:6443',
    });
    expect(loadKubeConfig({ env, context: 'prod' })).toEqual({
      ok: false,
      reason: `context "prod" not in ${join(dir, '.kube', 'config')} (contexts: home-ctx)`,
    });
  });

  it('nothing found: the reason names everything tried', () => {
    const got = loadKubeConfig({ env: { HOME: dir }, serviceAccountDir: join(dir, 'none') });
    expect(got).toEqual({
      ok: false,
      reason: `no Kubernetes credentials: no --kubeconfig; not in a pod (KUBERNETES_SERVICE_HOST unset); KUBECONFIG unset; no ${join(dir, '.kube', 'config')}`,
    });
  });

  it('a pod without a mounted token says so', () => {
    const got = loadKubeConfig({ env: { ...inPod, HOME: dir }, serviceAccountDir: join(dir, 'none') });
    expect(got.ok).toBe(false);
    if (!got.ok)
      expect(got.reason).toContain(
        `KUBERNETES_SERVICE_HOST set but no service account token at ${join(dir, 'none', 'token')}`,
      );
  });

  it('an unreadable file is a reason', () => {
    const file = join(dir, 'broken');
    writeFileSync(file, 'clusters: [ {');
    const got = loadKubeConfig({ kubeconfig: file, env: {} });
    expect(got.ok).toBe(false);
    if (!got.ok) expect(got.reason).toMatch(/^cannot read kubeconfig: /);
  });

  it('a file without current-context asks for --kube-context', () => {
    const file = kubeconfig('nocurrent', [['x', 'https://x:6443']], null);
    const got = loadKubeConfig({ kubeconfig: file, env: {} });
    expect(got).toEqual({
      ok: false,
      reason: `--kubeconfig ${file} sets no current-context; pass --kube-context`,
    });
  });
});
