import type { ConfigName } from './cli.js';
import type { LmSize } from './workloads/char-lm.js';

/** The char-LM configurations of issue 12 (one layer, V = 65). */
export const LM_CONFIGS: Record<ConfigName, LmSize> = {
  S: { H: 128, B: 32, T: 64, V: 65 },
  M: { H: 256, B: 64, T: 64, V: 65 },
  L: { H: 512, B: 64, T: 128, V: 65 },
};

/** `--quick` replaces S/M/L by this one tiny configuration: it checks that the code runs. */
export const QUICK_CONFIG: LmSize = { H: 16, B: 4, T: 8, V: 65 };

/** Adam learning rate of every training case, and the global gradient-norm clip. */
export const LEARNING_RATE = 1e-3;
export const CLIP_NORM = 5;

/** The matmul shapes issue 3 asks to compare with TensorFlow.js wasm: `[m×k]·[k×n]`. */
export const MATMUL_SHAPES: readonly (readonly [number, number, number])[] = [
  [32, 193, 512],
  [64, 321, 1024],
  [256, 256, 256],
];

/** The configurations a run covers: the named ones, or the quick one. */
export function lmConfigs(
  quick: boolean,
  names: readonly ConfigName[],
): { name: string; size: LmSize }[] {
  if (quick) return [{ name: 'quick', size: QUICK_CONFIG }];
  return names.map((name) => ({ name, size: LM_CONFIGS[name] }));
}
