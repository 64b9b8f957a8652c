// Loads a module that the build keeps out of the agent's main script (see scripts/build-agent.ts).
//
// Only the bundled agent calls this: the build rewrites `import('./docker-module.ts')` and the other
// split imports into loadChunk(name). From source the imports stay plain dynamic imports. The single
// executable carries each chunk as an asset; a plain bundle finds it as a file beside itself.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { getAsset, isSea } from 'node:sea';
import { compileFunction, constants } from 'node:vm';

/** The chunk's file name, and its asset key inside the single executable. */
export const chunkFile = (name: string): string => `pulse-agent-${name}.cjs`;

type CommonJsBody = (
  exports: unknown,
  require: NodeJS.Require,
  module: { exports: unknown },
  filename: string,
  dirname: string,
) => void;

/**
 * Evaluates a CommonJS bundle from the executable's assets. Chunks are bundled with every dependency
 * inlined, so the only requires left in them are Node's built-ins (and optional native addons, whose
 * absence their packages expect): a require rooted at the executable serves both.
 */
function evaluateAsset(file: string): unknown {
  const code = getAsset(file, 'utf8');
  const filename = join(dirname(process.execPath), file);
  const body = compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname'], {
    filename,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }) as CommonJsBody;
  const module = { exports: {} as unknown };
  body(module.exports, createRequire(filename), module, filename, dirname(filename));
  return module.exports;
}

const loaded = new Map<string, unknown>();

/** The chunk's exports; evaluated once, like any module. */
export function loadChunk(name: string): unknown {
  const cached = loaded.get(name);
  if (cached !== undefined) return cached;
  const file = chunkFile(name);
  let exports: unknown;
  if (isSea()) exports = evaluateAsset(file);
  else {
    // `node pulse-agent.cjs`: the chunks sit beside the script node was given.
    const main = resolve(process.argv[1] ?? '');
    const path = join(dirname(main), file);
    if (!existsSync(path)) throw new Error(`pulse-agent: ${file} is missing beside ${main}`);
    exports = createRequire(main)(path);
  }
  loaded.set(name, exports);
  return exports;
}
