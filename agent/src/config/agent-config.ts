// The agent's configuration: flags > environment > files > defaults, resolved once into AgentConfig.
import { existsSync, readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { delimiter, join } from 'node:path';
import { LOG_LEVELS, type LogLevel } from '@pulse/shared/log';
import {
  ConfigError,
  type ListenAddress,
  parseBool,
  parseDuration,
  parseList,
  parseListen,
} from './parse.ts';

export interface AgentConfig {
  url: string;
  token: string;
  intervalMs: number;
  hostname: string;
  agentId: string | undefined;
  agentIdFile: string;
  insecure: boolean;
  cacert: string | undefined;
  enableHost: boolean;
  enableDocker: boolean;
  enableKubernetes: boolean;
  tags: string[];
  diskExclude: string[];
  diskInclude: string[];
  stateDir: string;
  logLevel: LogLevel;
  logFile: string | undefined;
  health: ListenAddress | null;
  once: boolean;
  dryRun: boolean;
  /** True when Docker was turned on by finding a docker or podman binary, not by a flag or env. */
  dockerAutoDetected: boolean;
  dockerRuntime: 'auto' | 'docker' | 'podman';
  kubeconfig: string | undefined;
  kubeContext: string | undefined;
  kubeIncludeNamespaces: string[];
  kubeExcludeNamespaces: string[];
  kubeIncludeAllPods: boolean;
  kubeIncludeAllDeployments: boolean;
  kubeMaxPods: number;
}

/** What commander hands over: strings as typed, undefined when the flag was not given. */
export interface AgentFlags {
  url?: string;
  token?: string;
  tokenFile?: string;
  interval?: string;
  hostname?: string;
  agentId?: string;
  agentIdFile?: string;
  insecure?: boolean;
  cacert?: string;
  enableHost?: string | boolean;
  enableDocker?: string | boolean;
  enableKubernetes?: string | boolean;
  tag?: string[];
  diskExclude?: string[];
  diskInclude?: string[];
  stateDir?: string;
  logLevel?: string;
  logFile?: string;
  healthAddr?: string;
  once?: boolean;
  dryRun?: boolean;
  dockerRuntime?: string;
  kubeconfig?: string;
  kubeContext?: string;
  kubeIncludeNamespace?: string[];
  kubeExcludeNamespace?: string[];
  kubeIncludeAllPods?: string | boolean;
  kubeIncludeAllDeployments?: string | boolean;
  kubeMaxPods?: string;
}

export interface ConfigSources {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  readFile: (path: string) => string | undefined;
  /** Whether a program is on PATH (Docker auto-detection). */
  hasProgram: (name: string) => boolean;
}

export const defaultSources: ConfigSources = {
  env: process.env,
  platform: process.platform,
  readFile: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  hasProgram: (name) =>
    (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, name))),
};

function isLogLevel(v: string): v is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(v);
}

function defaultStateDir(platform: NodeJS.Platform, env: ConfigSources['env']): string {
  if (platform === 'win32') return join(env.ProgramData ?? 'C:\\ProgramData', 'Pulse');
  return '/var/lib/pulse-agent';
}

function bool(
  flag: string,
  value: string | boolean | undefined,
  envValue: string | undefined,
  dflt: boolean,
) {
  if (typeof value === 'boolean') return value;
  const raw = value ?? envValue;
  if (raw === undefined || raw.trim() === '') return dflt;
  const parsed = parseBool(raw);
  if (parsed === undefined)
    throw new ConfigError(`invalid ${flag} '${raw}': expected true or false (1/0, yes/no, on/off)`);
  return parsed;
}

function normaliseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(`invalid --url '${raw}': expected an absolute URL such as http://pulse.local:7655`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`invalid --url '${raw}': only http:// and https:// are supported`);
  }
  return url.toString().replace(/\/+$/, '');
}

export interface ResolveOptions {
  /** --self-test and --dry-run work without a token. */
  tokenRequired: boolean;
}

export function resolveConfig(flags: AgentFlags, src: ConfigSources, opts: ResolveOptions): AgentConfig {
  const { env } = src;
  const stateDir = flags.stateDir ?? env.PULSE_STATE_DIR ?? defaultStateDir(src.platform, env);

  const intervalRaw = flags.interval ?? env.PULSE_INTERVAL ?? '30s';
  const intervalMs = parseDuration(intervalRaw);
  if (intervalMs === undefined || intervalMs < 1000) {
    throw new ConfigError(
      `invalid --interval '${intervalRaw}': expected a duration of at least 1s, such as 30s, 1m or 1m30s`,
    );
  }

  const logLevel = (flags.logLevel ?? env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!isLogLevel(logLevel)) {
    throw new ConfigError(`invalid --log-level '${logLevel}': expected one of ${LOG_LEVELS.join(', ')}`);
  }

  const healthRaw = flags.healthAddr ?? env.PULSE_HEALTH_ADDR ?? '127.0.0.1:9191';
  const health = parseListen(healthRaw);
  if (health === undefined) {
    throw new ConfigError(
      `invalid --health-addr '${healthRaw}': expected host:port (e.g. 127.0.0.1:9191) or off`,
    );
  }

  let token = flags.token?.trim();
  if (!token && flags.tokenFile) {
    const text = src.readFile(flags.tokenFile);
    if (text === undefined)
      throw new ConfigError(`invalid --token-file '${flags.tokenFile}': the file cannot be read`);
    token = text.trim();
  }
  token ||= env.PULSE_TOKEN?.trim() || src.readFile(join(stateDir, 'token'))?.trim() || '';
  if (!token && opts.tokenRequired) {
    throw new ConfigError(
      `missing --token: give the API token with --token, --token-file, PULSE_TOKEN or ${join(stateDir, 'token')}`,
    );
  }

  const cacert = flags.cacert ?? env.PULSE_CACERT;
  if (cacert !== undefined && src.readFile(cacert) === undefined) {
    throw new ConfigError(`invalid --cacert '${cacert}': the file cannot be read`);
  }

  const dockerRuntime = (flags.dockerRuntime ?? env.PULSE_DOCKER_RUNTIME ?? 'auto').trim().toLowerCase();
  if (dockerRuntime !== 'auto' && dockerRuntime !== 'docker' && dockerRuntime !== 'podman') {
    throw new ConfigError(`invalid --docker-runtime '${dockerRuntime}': expected auto, docker or podman`);
  }
  const maxPodsRaw = flags.kubeMaxPods ?? env.PULSE_KUBE_MAX_PODS ?? '200';
  const kubeMaxPods = Number(maxPodsRaw);
  if (!Number.isInteger(kubeMaxPods) || kubeMaxPods <= 0) {
    throw new ConfigError(`invalid --kube-max-pods '${maxPodsRaw}': expected a whole number above 0`);
  }
  // Docker is on when asked for; when nobody said either way, when a docker or podman binary exists.
  const dockerExplicit = flags.enableDocker !== undefined || (env.PULSE_ENABLE_DOCKER ?? '').trim() !== '';
  const dockerAutoDetected = !dockerExplicit && (src.hasProgram('docker') || src.hasProgram('podman'));

  return {
    dockerRuntime,
    dockerAutoDetected,
    kubeconfig: flags.kubeconfig ?? env.PULSE_KUBECONFIG,
    kubeContext: flags.kubeContext ?? env.PULSE_KUBE_CONTEXT,
    kubeIncludeNamespaces: [
      ...new Set([...parseList(env.PULSE_KUBE_INCLUDE_NAMESPACES), ...(flags.kubeIncludeNamespace ?? [])]),
    ],
    kubeExcludeNamespaces: [
      ...new Set([...parseList(env.PULSE_KUBE_EXCLUDE_NAMESPACES), ...(flags.kubeExcludeNamespace ?? [])]),
    ],
    kubeIncludeAllPods: bool(
      '--kube-include-all-pods',
      flags.kubeIncludeAllPods,
      env.PULSE_KUBE_INCLUDE_ALL_PODS ?? env.PULSE_KUBE_INCLUDE_ALL_POD_FILES,
      false,
    ),
    kubeIncludeAllDeployments: bool(
      '--kube-include-all-deployments',
      flags.kubeIncludeAllDeployments,
      env.PULSE_KUBE_INCLUDE_ALL_DEPLOYMENTS,
      false,
    ),
    kubeMaxPods,
    url: normaliseUrl(flags.url ?? env.PULSE_URL ?? 'http://localhost:7655'),
    token,
    intervalMs,
    hostname: (flags.hostname ?? env.PULSE_HOSTNAME ?? osHostname()).trim(),
    agentId: (flags.agentId ?? env.PULSE_AGENT_ID)?.trim() || undefined,
    agentIdFile: flags.agentIdFile ?? env.PULSE_AGENT_ID_FILE ?? join(stateDir, 'agent-id'),
    insecure: bool('--insecure', flags.insecure, env.PULSE_INSECURE_SKIP_VERIFY, false),
    cacert,
    enableHost: bool('--enable-host', flags.enableHost, env.PULSE_ENABLE_HOST, true),
    enableDocker:
      dockerAutoDetected || bool('--enable-docker', flags.enableDocker, env.PULSE_ENABLE_DOCKER, false),
    enableKubernetes: bool('--enable-kubernetes', flags.enableKubernetes, env.PULSE_ENABLE_KUBERNETES, false),
    // Repeatable flags add to the environment's list rather than replace it.
    tags: [
      ...new Set([...parseList(env.PULSE_TAGS), ...(flags.tag ?? []).map((t) => t.trim()).filter(Boolean)]),
    ],
    diskExclude: [...new Set([...parseList(env.PULSE_DISK_EXCLUDE), ...(flags.diskExclude ?? [])])],
    diskInclude: [...new Set([...parseList(env.PULSE_DISK_INCLUDE), ...(flags.diskInclude ?? [])])],
    stateDir,
    logLevel,
    logFile: flags.logFile ?? env.PULSE_LOG_FILE,
    health,
    once: flags.once ?? false,
    dryRun: flags.dryRun ?? false,
  };
}
