// `npm run bench`: runs every bench/*.bench.ts in name order, one after the other. A benchmark file's
// default export is an async function that prints its figures and throws if the run is not valid.
// `npm run bench -- ingest` runs only the files whose name contains one of the given words.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Bench = () => Promise<void>;

const dir = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((word) => f.includes(word)))
  .sort();

if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ') || 'bench/*.bench.ts'}`);
  process.exit(1);
}

const failed: string[] = [];
for (const file of files) {
  const started = Date.now();
  console.log(`\n=== ${file} ===\n`);
  try {
    const mod: unknown = await import(pathToFileURL(`${dir}${file}`).href);
    if (typeof mod !== 'object' || mod === null || !('default' in mod) || typeof mod.default !== 'function')
      throw new Error('has no default export function');
    await (mod.default as Bench)();
    console.log(`\n=== ${file}: done in ${((Date.now() - started) / 1000).toFixed(1)} s ===`);
  } catch (err) {
    failed.push(file);
    console.error(`\n=== ${file}: FAILED: ${err instanceof Error ? err.message : String(err)} ===`);
  }
}

if (failed.length > 0) {
  console.error(`\n${failed.length} of ${files.length} benchmark(s) failed: ${failed.join(', ')}`);
  process.exit(1);
}
// Child processes are stopped by now; exit in case a library left a handle open.
process.exit(0);
