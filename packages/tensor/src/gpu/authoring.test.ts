import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu/cpu-backend.js';
import { RecurError } from '../errors.js';
import { programRunner } from './authoring.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Every source file `file` imports at run time (type-only imports excluded), transitively. */
function runtimeImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const [, clause, spec] of source.matchAll(
    /^(?:import|export)\s+(.*?)\s+from\s+'([^']+)';/gms,
  )) {
    if (clause!.startsWith('type ')) continue;
    if (!spec!.startsWith('.')) {
      seen.add(spec!);
      continue;
    }
    runtimeImports(join(dirname(file), spec!.replace(/\.js$/, '.ts')), seen);
  }
  return seen;
}

describe('@recur/tensor/gpu-kernels', () => {
  it('loads without gpu.js: nothing it imports at run time reaches gpu.js', () => {
    const graph = runtimeImports(join(here, 'authoring.ts'));
    expect(graph.has(join(here, 'codegen.ts'))).toBe(true);
    expect([...graph].filter((f) => f === 'gpu.js' || f.endsWith('gpujs.ts'))).toEqual([]);
  });

  it('programRunner names the kernel and the backend that cannot run programs', () => {
    const cpu = new CpuBackend();
    expect(() => programRunner('myKernel', cpu)).toThrow(RecurError);
    expect(() => programRunner('myKernel', cpu)).toThrow(
      /myKernel: the 'cpu' backend cannot run gpu programs/,
    );
  });
});
