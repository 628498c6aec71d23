import type {
  LanguageModelConfig,
  Model,
  Seq2SeqConfig,
  SequenceClassifierConfig,
} from '@recur/architectures';
import { checkOptions, RecurError } from '@recur/tensor';
import { classifierGraph } from './classifier-graph.js';
import { GraphBuilder } from './graph-builder.js';
import { encodeModel } from './onnx-proto.js';
import { ParameterReader } from './parameters.js';
import { onnxOperator } from './recurrent.js';
import { seq2seqDecoderGraph, seq2seqEncoderGraph } from './seq2seq-graphs.js';
import { tokenDecoderGraph } from './token-decoder-graph.js';

/** Options of {@link exportOnnx}. */
export interface ExportOnnxOptions {
  /** Which half of a `Seq2Seq` model to export (required for Seq2Seq, refused otherwise). */
  part?: 'encoder' | 'decoder';
}

/** The ONNX operator set the files bind to (LSTM, GRU and RNN at their version 14). */
export const ONNX_OPSET = 17;
/** The ONNX IR version that opset 17 goes with. */
export const ONNX_IR_VERSION = 8;

const OWNER = 'exportOnnx';

/**
 * Writes a recur model as an ONNX file (opset {@link ONNX_OPSET}) built on the standard
 * `RNN`/`GRU`/`LSTM` operators, one node per stacked layer, with the weights stored in the file.
 *
 * - `LanguageModel`: `tokens` int64 `[batch, steps]` and `initial_h_{l}` (`initial_c_{l}` for
 *   the LSTM) `[1, batch, H]` in; `logits` `[batch, steps, V]` and `Y_h_{l}` (`Y_c_{l}`) out.
 *   Feed the `Y_*` outputs back as the next call's `initial_*` inputs to generate step by step.
 * - `SequenceClassifier`: `inputs` (int64 ids `[batch, steps]`, or float features
 *   `[batch, steps, F]`) and `lengths` int32 `[batch]` in; `logits` and `predictions`
 *   `[batch, K]` out. Every readout (`last`, `mean`, `max`) and bidirectional layers export.
 * - `Seq2Seq`, one half per file (`options.part`): the `encoder` takes `source` int64
 *   `[batch, S]` and `source_lengths` int32 `[batch]` and gives `Y_h_{l}` (`Y_c_{l}`), and with
 *   attention `memory` `[batch, S, H]`; the `decoder` has the language model's inputs and
 *   outputs, started from the encoder's states, and with attention also takes `memory` and
 *   `source_lengths` (dot, general and additive scores all export).
 *
 * Refused (`ARGUMENT`, naming the reason): a `Captioner`, a `Seq2Seq` without `part`, `part`
 * for any other model, an unknown option. A parameter missing, or of a shape its config does not
 * imply, is a `FORMAT` error. The model's config is saved in the file's metadata
 * (`recur.config`). The model is only read: no tensor is allocated.
 *
 * ```ts
 * const bytes = exportOnnx(lm);                        // Uint8Array: write it to lm.onnx
 * const encoder = exportOnnx(translator, { part: 'encoder' });
 * ```
 */
export function exportOnnx(model: Model, options: ExportOnnxOptions = {}): Uint8Array {
  checkOptions(OWNER, options, ['part']);
  const config = modelConfig(model);
  const part = options.part;
  if (config.architecture !== 'Seq2Seq' && part !== undefined) {
    throw new RecurError(
      'ARGUMENT',
      `${OWNER}: options.part is for Seq2Seq models; a ${config.architecture} exports as one graph, got part '${String(part)}'`,
    );
  }
  const weights = new ParameterReader(OWNER, model.parameters());
  const g = new GraphBuilder();
  let name: string;
  switch (config.architecture) {
    case 'LanguageModel': {
      const c = config as LanguageModelConfig;
      checkCell(c.cell);
      tokenDecoderGraph(g, weights, { ...c, prefix: '' });
      name = 'LanguageModel';
      break;
    }
    case 'SequenceClassifier': {
      const c = config as SequenceClassifierConfig;
      checkCell(c.cell);
      classifierGraph(g, weights, c);
      name = 'SequenceClassifier';
      break;
    }
    case 'Seq2Seq': {
      const c = config as Seq2SeqConfig;
      checkCell(c.cell);
      if (part !== 'encoder' && part !== 'decoder') {
        throw new RecurError(
          'ARGUMENT',
          `${OWNER}: a Seq2Seq model exports as two graphs; options.part must be 'encoder' or 'decoder', got ${part === undefined ? 'none' : `'${String(part)}'`}`,
        );
      }
      if (part === 'encoder') seq2seqEncoderGraph(g, weights, c);
      else seq2seqDecoderGraph(g, weights, c);
      name = `Seq2Seq.${part}`;
      break;
    }
    default:
      throw new RecurError(
        'ARGUMENT',
        `${OWNER}: a ${config.architecture} cannot be exported to ONNX; supported are LanguageModel, SequenceClassifier and Seq2Seq`,
      );
  }
  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsetVersion: ONNX_OPSET,
    producerName: 'recur',
    producerVersion: '1',
    docString: `recur ${name}, exported by @recur/onnx`,
    metadata: { 'recur.config': JSON.stringify(config), ...(part ? { 'recur.part': part } : {}) },
    graph: g.build(name),
  });
}

function modelConfig(model: Model): { architecture: string } {
  const m = model as unknown as { config?: { architecture?: unknown }; parameters?: unknown };
  if (
    m === null ||
    typeof m !== 'object' ||
    typeof m.config?.architecture !== 'string' ||
    typeof m.parameters !== 'function'
  ) {
    throw new RecurError(
      'ARGUMENT',
      `${OWNER}: model must be a recur model (config.architecture and parameters()), got ${m === null ? 'null' : typeof m}`,
    );
  }
  return m.config as { architecture: string };
}

function checkCell(cell: string): void {
  onnxOperator(OWNER, cell);
}
