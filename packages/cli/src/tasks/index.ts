import { languageModelTask } from './language-model.js';
import type { Arch, Task } from './task.js';

/** The task of each architecture, loaded when first used. */
const loaders: Record<Arch, () => Promise<Task>> = {
  lm: async () => languageModelTask,
  seq2seq: async () => (await import('./translation.js')).translationTask,
  classify: async () => (await import('./classification.js')).classificationTask,
  caption: async () => (await import('./captioning.js')).captioningTask,
  forecast: async () => (await import('./forecasting.js')).forecastingTask,
};

/** The task that trains and reports architecture `arch`. */
export function loadTask(arch: Arch): Promise<Task> {
  return loaders[arch]();
}
