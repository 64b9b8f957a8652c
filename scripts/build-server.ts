// Bundles the server into dist/pulse-server.js with its migrations beside it.
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };
const out = new URL('dist/', root);

rmSync(new URL('drizzle', out), { recursive: true, force: true });
await build({
  entryPoints: [new URL('server/src/main.ts', root).pathname],
  outfile: new URL('pulse-server.js', out).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node26',
  minifySyntax: true,
  sourcemap: 'linked',
  // libsql loads a prebuilt native binary for the platform; it stays in node_modules.
  external: ['libsql', '@libsql/*'],
  define: {
    __PULSE_VERSION__: JSON.stringify(pkg.version),
    __PULSE_BUILD_TIME__: JSON.stringify(new Date().toISOString()),
  },
  banner: {
    js: "import { createRequire as __pulseRequire } from 'node:module'; const require = __pulseRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
cpSync(new URL('server/drizzle', root), new URL('drizzle', out), { recursive: true });
process.stdout.write(`built dist/pulse-server.js (${pkg.version})\n`);
