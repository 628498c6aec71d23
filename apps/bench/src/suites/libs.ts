import type { Backend } from '@recur/tensor';
import type { LibName } from '../cli.js';
import type { TfBackendName } from '../peers/tfjs.js';
import type { BenchRow } from '../results.js';
import { type SuiteContext, statusRow } from '../suite.js';

/** A library/backend pair a suite runs cases on. */
export type Target =
  | { kind: 'recur'; lib: 'recur'; backendName: 'cpu' | 'gpu'; backend: Backend }
  | { kind: 'tfjs'; lib: 'tfjs'; backendName: TfBackendName };

/**
 * The recur and TF.js targets selected by `--lib`, in a fixed order (recur CPU, recur GPU, TF.js
 * wasm, TF.js cpu). `missing` lists selected ones that cannot run here (no GPU backend).
 */
export function targets(
  context: SuiteContext,
  allowed: readonly LibName[] = ['recur-cpu', 'recur-gpu', 'tfjs-wasm', 'tfjs-cpu'],
): {
  targets: Target[];
  missing: { name: LibName; reason: string }[];
} {
  const wanted = (name: LibName) => context.options.libs.includes(name) && allowed.includes(name);
  const out: Target[] = [];
  const missing: { name: LibName; reason: string }[] = [];
  const { cpu, gpu, gpuDescription } = context.backends;
  if (wanted('recur-cpu'))
    out.push({ kind: 'recur', lib: 'recur', backendName: 'cpu', backend: cpu });
  if (wanted('recur-gpu')) {
    if (gpu) out.push({ kind: 'recur', lib: 'recur', backendName: 'gpu', backend: gpu });
    else missing.push({ name: 'recur-gpu', reason: gpuDescription });
  }
  if (wanted('tfjs-wasm')) out.push({ kind: 'tfjs', lib: 'tfjs', backendName: 'wasm' });
  if (wanted('tfjs-cpu')) out.push({ kind: 'tfjs', lib: 'tfjs', backendName: 'cpu' });
  return { targets: out, missing };
}

/** One `skipped` row per selected target that cannot run here, saying why. */
export function skippedRows(
  suite: string,
  caseName: string,
  missing: readonly { name: LibName; reason: string }[],
): BenchRow[] {
  return missing.map(({ name, reason }) =>
    statusRow(
      { suite, case: caseName, lib: 'recur', backend: name.replace('recur-', ''), params: {} },
      'skipped',
      reason,
    ),
  );
}
