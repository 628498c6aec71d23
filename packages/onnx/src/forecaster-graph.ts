import type { ForecasterConfig } from '@recur/architectures';
import type { GraphBuilder } from './graph-builder.js';
import { dense } from './inputs.js';
import type { ParameterReader } from './parameters.js';
import { batchFirst, emitStack, finalStates } from './recurrent.js';
import { stateInputs, stateOutputs } from './state-io.js';

/**
 * The graph of a `Forecaster`, one head call per run, from given initial states:
 *
 *     inputs   inputs float [batch, steps, F]; initial_h_{l} (and initial_c_{l}) float [1, batch, H];
 *              with `differenced`, also previous float [batch, 1, F]: the step before inputs[0]
 *     outputs  predictions float [batch, chunk, K] — chunk = horizon for mode 'last', 1 for
 *              'feedback', steps for 'every-step'; Y_h_{l} (and Y_c_{l}) float [1, batch, H]
 *
 * A multi-step forecast is what `Forecaster.forecast` does: run the window from zero states
 * (with `previous` = the window's first step, so the first change is 0), then feed each run's
 * `predictions` back as the next `inputs`, its `Y_*` as the next `initial_*`, and (differenced)
 * the last step fed so far as `previous`.
 */
export function forecasterGraph(
  g: GraphBuilder,
  weights: ParameterReader,
  config: ForecasterConfig,
): void {
  const { inputSize: F, cell, hiddenSize: H, numLayers, mode, differenced } = config;
  const targets = config.targetFeatures;
  const K = targets.length;
  const chunk = mode === 'last' ? config.horizon : 1;
  const inputs = g.input({
    name: 'inputs',
    dataType: 'float32',
    shape: ['batch', 'steps', F],
    docString: 'the window, or the predictions fed back, [batch, steps, features]',
  });
  const previous = differenced
    ? g.input({
        name: 'previous',
        dataType: 'float32',
        shape: ['batch', 1, F],
        docString: 'the step before inputs[0] (the first step itself at the start of a window)',
      })
    : null;
  const initial = stateInputs(g, cell, numLayers, H);

  // Differenced models read step-to-step changes and predict a change from the last value.
  let x = inputs;
  if (previous) {
    const before = g.op('Slice', [
      inputs,
      g.ints('starts_0', [0]),
      g.ints('ends_last', [-1]),
      g.ints('axis_steps', [1]),
    ]);
    x = g.op('Sub', [inputs, g.op('Concat', [previous, before], { axis: 1 })]);
  }
  const isAll = K === F && targets.every((f, i) => f === i);
  const targetsOf = (v: string) =>
    isAll ? v : g.op('Gather', [v, g.ints('target_features', targets)], { axis: 2 });

  const stack = {
    prefix: 'rnn.',
    cell,
    cellOptions: config.cellOptions,
    inputSize: F,
    hiddenSize: H,
    numLayers,
    bidirectional: false,
  };
  const timeMajor = g.op('Transpose', [x], { perm: [1, 0, 2] });
  const { y, states } = emitStack(g, weights, stack, timeMajor, { scope: 'rnn.', initial });
  const head = { W: 'W_ao', b: 'b_o' };
  let predictions: string;
  if (mode === 'every-step') {
    predictions = dense(g, weights, batchFirst(g, y), head, H, K);
    if (previous) predictions = g.op('Add', [predictions, targetsOf(inputs)]);
  } else {
    const last = finalStates(g, states[states.length - 1]!.h);
    const flat = dense(g, weights, last, head, H, chunk * K);
    predictions = g.op('Reshape', [flat, g.ints('shape_b_chunk_k', [0, chunk, K])]);
    if (previous) {
      const lastStep = g.op('Slice', [
        inputs,
        g.ints('starts_last', [-1]),
        g.ints('ends_end', [2 ** 31 - 1]),
        g.ints('axis_steps_last', [1]),
      ]);
      predictions = g.op('Add', [predictions, targetsOf(lastStep)]);
    }
  }
  g.output(predictions, {
    name: 'predictions',
    dataType: 'float32',
    shape: ['batch', mode === 'every-step' ? 'steps' : chunk, K],
    docString:
      mode === 'every-step'
        ? 'the next value of each target after every step'
        : `the next ${chunk} value(s) of each target after the last step`,
  });
  stateOutputs(g, states, 1, H, 'batch');
}
