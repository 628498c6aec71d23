import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { type Model, Seq2Seq, saveModel } from '@recur/architectures';
import { exportOnnx } from '@recur/onnx';
import { TFJS_WEIGHTS_FILE, toTfjs } from '@recur/tfjs';
import { defaultCheckpointPath } from '../checkpoint.js';
import type { FlagSpecs } from '../flags.js';
import { type Command, println } from '../io.js';
import { inferenceCommand, inferenceFlags } from './common.js';

/** The formats `recur export --to` writes. */
export const EXPORT_FORMATS = ['safetensors', 'onnx', 'tfjs'] as const;

const specs: FlagSpecs = {
  ...inferenceFlags(defaultCheckpointPath('lm')),
  to: {
    type: 'string',
    choices: EXPORT_FORMATS,
    default: 'safetensors',
    help: 'safetensors (PyTorch names and layouts, config and vocabulary in __metadata__), onnx, or tfjs (a TF.js Layers model folder)',
  },
  out: {
    type: 'string',
    kind: 'path',
    value: '<path>',
    help: 'the file (tfjs: the folder) to write (default: the checkpoint path with the format as extension)',
  },
};

/** The files one export writes: a Seq2Seq goes to ONNX as an encoder and a decoder graph. */
function exports(
  model: Model,
  format: (typeof EXPORT_FORMATS)[number],
  vocabulary: unknown,
  out: string,
): { path: string; bytes: Uint8Array }[] {
  if (format === 'safetensors') return [{ path: out, bytes: saveModel(model, { vocabulary }) }];
  if (format === 'tfjs') return tfjsFiles(model, vocabulary, out);
  if (!(model instanceof Seq2Seq)) return [{ path: out, bytes: exportOnnx(model) }];
  const stem = join(dirname(out), basename(out, extname(out)));
  return (['encoder', 'decoder'] as const).map((part) => ({
    path: `${stem}.${part}.onnx`,
    bytes: exportOnnx(model, { part }),
  }));
}

/**
 * A TF.js Layers model folder: `model.json`, its weight shard, and the CLI's vocabulary as
 * `vocabulary.json` (which `recur import` reads back).
 */
function tfjsFiles(
  model: Model,
  vocabulary: unknown,
  dir: string,
): { path: string; bytes: Uint8Array }[] {
  const { modelJson, weightData } = toTfjs(model);
  const text = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  return [
    { path: join(dir, 'model.json'), bytes: text(modelJson) },
    { path: join(dir, TFJS_WEIGHTS_FILE), bytes: weightData },
    ...(vocabulary === undefined
      ? []
      : [{ path: join(dir, 'vocabulary.json'), bytes: text(vocabulary) }]),
  ];
}

/** `recur export`: a trained checkpoint as a file PyTorch or ONNX Runtime loads. */
export const exportCommand: Command = inferenceCommand({
  name: 'export',
  arch: 'any',
  summary:
    'write a checkpoint as safetensors (PyTorch names), ONNX (standard RNN/GRU/LSTM ops) or a TF.js Layers model',
  usage: 'recur export [--checkpoint <path>] [--to safetensors|onnx|tfjs] [--out <path>]',
  notes:
    'A seq2seq model exports to ONNX as two graphs, <out>.encoder.onnx and <out>.decoder.onnx.\ntfjs writes a folder (model.json, weights.bin, vocabulary.json) for tf.loadLayersModel;\nlanguage models and classifiers only. The captioner exports to safetensors only. In safetensors, a reset-after GRU (--reset-after)\nhas PyTorch nn.GRU names; a reset-before GRU (the default), an MGU and hardSigmoid gates have\nno PyTorch namespace and keep recur names.',
  specs,
  body: ({ flags, path, trained, io }) => {
    const format = flags.string('to') as (typeof EXPORT_FORMATS)[number];
    const out =
      flags.string('out') ?? join(dirname(path), `${basename(path, extname(path))}.${format}`);
    const files = exports(trained.model, format, trained.vocabulary, out);
    if (format === 'tfjs') mkdirSync(out, { recursive: true });
    for (const file of files) writeFileSync(file.path, file.bytes);
    if (flags.bool('json')) {
      println(
        io.stdout,
        JSON.stringify({
          format,
          files: files.map((f) => ({ path: f.path, bytes: f.bytes.byteLength })),
        }),
      );
      return;
    }
    for (const file of files)
      println(io.stdout, `recur export: wrote ${file.path} (${file.bytes.byteLength} bytes)`);
  },
});
