// What this build is and where it runs, worked out once at start.
import { existsSync, readFileSync } from 'node:fs';
import type { VersionResponse } from '@pulse/shared';

declare const __PULSE_VERSION__: string | undefined;
declare const __PULSE_BUILD_TIME__: string | undefined;

function sourceVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string'
    ? pkg.version
    : '0.0.0';
}

function deploymentType(env: Record<string, string | undefined>): string {
  if (existsSync('/.dockerenv') || env.container === 'docker') return 'docker';
  if (env.container === 'lxc') return 'lxc';
  if (env.INVOCATION_ID) return 'systemd';
  return 'manual';
}

export function detectVersion(env: Record<string, string | undefined>): VersionResponse {
  const injected = typeof __PULSE_VERSION__ === 'string' ? __PULSE_VERSION__ : undefined;
  const bundled = injected !== undefined;
  const version = injected ?? sourceVersion();
  return {
    version,
    build: bundled ? 'release' : 'development',
    buildTime: typeof __PULSE_BUILD_TIME__ === 'string' ? __PULSE_BUILD_TIME__ : null,
    runtime: 'node',
    nodeVersion: process.versions.node,
    channel: version.includes('-') ? 'rc' : 'stable',
    deploymentType: deploymentType(env),
    isDocker: existsSync('/.dockerenv'),
    isDevelopment: !bundled,
  };
}
