import { RecurError } from './errors.js';

/**
 * One engine per process. Tensors belong to the engine of the copy of `@recur/tensor` that made
 * them (its memory accounting, its `tidy` scopes, its backends), so a second copy loaded into
 * the same process — its ESM and its CJS build (the "dual package hazard"), or two versions —
 * would hand out tensors the other copy cannot use. The first copy to load claims
 * `globalThis[Symbol.for('recur.tensor.engine')]`; a second copy finds the claim and refuses
 * to load, naming both files.
 *
 * The same file evaluated again (vitest's `vi.resetModules`, hot module reload) is the same
 * copy and loads. Bundlers that inline two copies into one file cannot be told apart.
 */
export const ENGINE_CLAIM: unique symbol = Symbol.for('recur.tensor.engine') as never;

/** Which copy of `@recur/tensor` claimed the process. */
export interface EngineCopy {
  /** The package version (`source` when run from TypeScript sources, as in this repository's tests). */
  readonly version: string;
  /** `ESM` or `CJS`. */
  readonly format: 'ESM' | 'CJS';
  /** The file that defines the engine: a path in Node, a URL in browsers. */
  readonly path: string;
}

/**
 * Records `copy` in `registry` (normally `globalThis`) as the process's copy of
 * `@recur/tensor`, or throws a `RecurError` (`CONFLICT`) naming both copies when another one
 * got there first. Returns the claim in force.
 */
export function claimEngine(registry: object, copy: EngineCopy): EngineCopy {
  const store = registry as { [ENGINE_CLAIM]?: EngineCopy };
  const first = store[ENGINE_CLAIM];
  if (first === undefined) {
    Object.defineProperty(store, ENGINE_CLAIM, { value: Object.freeze({ ...copy }) });
    return store[ENGINE_CLAIM] as EngineCopy;
  }
  if (first.path === copy.path && first.format === copy.format) return first;
  throw new RecurError(
    'CONFLICT',
    `@recur/tensor: a second copy was loaded into this process: ${describeCopy(copy)}, while ` +
      `${describeCopy(first)} was loaded first. Tensors of one copy cannot be used by the other, so ` +
      'a process runs one copy: load every recur package the same way (all `import` or all ' +
      '`require`), and deduplicate @recur/* to one version (`npm ls @recur/tensor`; `npm dedupe`).',
  );
}

function describeCopy(copy: EngineCopy): string {
  return `${copy.version} (${copy.format} build) at ${copy.path}`;
}

declare const __RECUR_PACKAGE_VERSION__: string | undefined;
declare const __RECUR_MODULE_FORMAT__: string | undefined;
declare const __filename: string | undefined;

/** This copy: its version and format (set by the build: tooling/tsup.config.js) and its file. */
export function thisCopy(): EngineCopy {
  const version =
    typeof __RECUR_PACKAGE_VERSION__ === 'string' ? __RECUR_PACKAGE_VERSION__ : 'source';
  if (typeof __RECUR_MODULE_FORMAT__ === 'string' && __RECUR_MODULE_FORMAT__ === 'cjs') {
    return {
      version,
      format: 'CJS',
      path: typeof __filename === 'string' ? __filename : 'unknown',
    };
  }
  // A bundle in a format without import.meta (an IIFE script) leaves it empty.
  const url: unknown = import.meta.url;
  if (typeof url !== 'string')
    return { version, format: 'ESM', path: 'a bundle (no import.meta.url)' };
  return { version, format: 'ESM', path: url.startsWith('file:') ? filePath(url) : url };
}

function filePath(url: string): string {
  const path = decodeURIComponent(new URL(url).pathname);
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}
