import type { Arch, TaskDefaults } from './task.js';

/** What `recur train` needs to know about an architecture before loading its task. */
export interface TaskInfo {
  /** Dataset names for `--dataset`; the first is the default. */
  datasets: readonly string[];
  /** What `--file` holds for this architecture. */
  fileFormat: string;
  defaults: TaskDefaults;
}

/** The datasets and defaults of each architecture (also shown by `recur train --help`). */
export const TASKS: Record<Arch, TaskInfo> = {
  lm: {
    datasets: ['moby-dick', 'sotu'],
    fileFormat: 'plain text (UTF-8); the first 90 % trains, the last 10 % validates',
    defaults: {
      dataset: 'moby-dick',
      hidden: 128,
      embedding: 32,
      batch: 16,
      seqLen: 32,
      // Measured: a minute of CPU gets lowest with many small updates (see README).
      lr: 0.02,
      examples: 0,
    },
  },
  seq2seq: {
    datasets: ['dates', 'addition'],
    fileFormat: 'TSV lines source<TAB>target (Tatoeba/Anki); 10 % held out',
    defaults: {
      dataset: 'dates',
      hidden: 64,
      embedding: 16,
      batch: 32,
      seqLen: 0,
      lr: 0.01,
      examples: 8000,
    },
  },
  classify: {
    datasets: ['spam', 'mnist-rows'],
    fileFormat:
      'CSV or TSV lines label,text (a header like review,sentiment is recognised); 10 % held out',
    defaults: {
      dataset: 'spam',
      hidden: 64,
      embedding: 32,
      batch: 32,
      seqLen: 100,
      lr: 0.005,
      examples: 0,
    },
  },
  caption: {
    datasets: ['mnist-strips'],
    fileFormat: '(no file format: captions come from MNIST digit strips)',
    defaults: {
      dataset: 'mnist-strips',
      hidden: 64,
      embedding: 16,
      batch: 32,
      seqLen: 0,
      lr: 0.005,
      examples: 4000,
    },
  },
  forecast: {
    datasets: ['sensors'],
    fileFormat:
      'CSV with a header row, one row per time step in order; --columns picks numeric columns, --target those to forecast; the last 15 % validates',
    defaults: {
      dataset: 'sensors',
      hidden: 32,
      embedding: 0,
      batch: 64,
      seqLen: 0,
      lr: 0.002,
      examples: 0,
    },
  },
};
