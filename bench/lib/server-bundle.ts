// The server as users run it: the esbuild bundle of `npm start` (dist/pulse-server.js, migrations beside
// it), built with scripts/build-server.ts unless the one in dist/ is newer than every source it comes
// from. The bench runs a private copy, so that someone rebuilding dist/ meanwhile (a restart phase starts
// the server again) does not swap the code under it. The copy stays inside the repository, where the
// bundle's external packages (libsql) resolve from node_modules. The baseline (bench/bare-server.ts) is
// bundled beside it the same way, so that both run without type stripping.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE = join(ROOT, 'dist', 'pulse-server.js');
const SOURCES = ['server/src', 'server/drizzle', 'shared/src', 'package.json', 'package-lock.json'];

export interface ServerBundle {
  /** The private copy to run. */
  script: string;
  /** bench/bare-server.ts bundled. */
  bareScript: string;
  /** Whether this run built it, or took the one in dist/ as fresh. */
  built: boolean;
  /** mtime of the bundle that was copied. */
  builtAt: Date;
  remove(): void;
}

/** Newest mtime of a file or of any file under a directory (tests included: cheap and conservative). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

function fresh(): boolean {
  if (!existsSync(BUNDLE) || !existsSync(join(ROOT, 'dist', 'drizzle'))) return false;
  const built = statSync(BUNDLE).mtimeMs;
  return SOURCES.every((s) => newest(join(ROOT, s)) < built);
}

/** Builds the bundle when dist/ is stale (or `rebuild`), then copies it to a private directory. */
export async function prepareServerBundle(rebuild = false): Promise<ServerBundle> {
  const built = rebuild || !fresh();
  if (built)
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-server.ts')], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const parent = join(ROOT, '.tmp');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'bench-fleet-server-'));
  cpSync(BUNDLE, join(dir, 'pulse-server.js'));
  if (existsSync(`${BUNDLE}.map`)) cpSync(`${BUNDLE}.map`, join(dir, 'pulse-server.js.map'));
  cpSync(join(ROOT, 'dist', 'drizzle'), join(dir, 'drizzle'), { recursive: true });
  const bareScript = join(dir, 'bare-server.js');
  await build({
    entryPoints: [join(ROOT, 'bench', 'bare-server.ts')],
    outfile: bareScript,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node26',
    minifySyntax: true,
    logLevel: 'warning',
  });
  return {
    script: join(dir, 'pulse-server.js'),
    bareScript,
    built,
    builtAt: statSync(BUNDLE).mtime,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
