// The agent's version: injected by the bundler, else read from the repository's package.json.
import { readFileSync } from 'node:fs';

declare const __PULSE_VERSION__: string | undefined;

function fromPackageJson(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string')
      return pkg.version;
  } catch {
    // Bundled without the define: fall through.
  }
  return 'dev';
}

export const AGENT_VERSION: string =
  typeof __PULSE_VERSION__ === 'string' ? __PULSE_VERSION__ : fromPackageJson();
