import {
  add,
  backward,
  matmul,
  noGrad,
  parameter,
  reshape,
  softmaxCrossEntropy,
  type Variable,
  zeroGrad,
} from '@recur/autograd';
import { glorotUniform, RecurrentLayer } from '@recur/cells';
import { clipGradNorm } from '@recur/clipping';
import {
  type Backend,
  dispose,
  memory,
  oneHot,
  type Tensor,
  tensor,
  tidy,
  withBackend,
  zeros,
} from '@recur/tensor';
import { Adam } from '@recur/train';
import { CLIP_NORM, LEARNING_RATE } from '../configs.js';
import type { CharBatch, LmSize } from '../workloads/char-lm.js';

/** The recur cells the e2e suite trains. */
export type RecurLmCell = 'rnn' | 'lstm' | 'gru';

/**
 * recur's one-layer character LM, the same model as the TF.js one: one-hot input `[B, T, V]` →
 * {@link RecurrentLayer} (fused sequence kernel) → `W_y·a + b_y` on every step → softmax
 * cross-entropy; a training step is backward, `clipGradNorm(5)` over all parameters, Adam.
 */
export class RecurCharLm {
  readonly backend: Backend;
  readonly #layer: RecurrentLayer;
  readonly #W_y: Variable;
  readonly #b_y: Variable;
  readonly #params: Record<string, Variable>;
  readonly #optimizer: Adam;
  readonly #x: Tensor;
  readonly #labels: Tensor;
  readonly #size: LmSize;

  constructor(backend: Backend, cell: RecurLmCell, size: LmSize, batch: CharBatch, seed = 1) {
    this.backend = backend;
    this.#size = size;
    const { H, B, T, V } = size;
    const built = withBackend(backend, () => {
      const layer = new RecurrentLayer({ cell, inputSize: V, hiddenSize: H, seed });
      const W_y = parameter(glorotUniform([H, V], { seed: seed + 1 }), 'W_y');
      const b_y = parameter(zeros([V]), 'b_y');
      const ids = tensor(batch.inputs, [B, T], 'int32');
      const x = oneHot(ids, V);
      ids.dispose();
      const labels = tensor(batch.targets, [B * T], 'int32');
      return { layer, W_y, b_y, x, labels };
    });
    this.#layer = built.layer;
    this.#W_y = built.W_y;
    this.#b_y = built.b_y;
    this.#x = built.x;
    this.#labels = built.labels;
    this.#params = { ...built.layer.parameters(), W_y: built.W_y, b_y: built.b_y };
    this.#optimizer = new Adam(this.#params, { lr: LEARNING_RATE });
  }

  /** Number of trainable values. */
  get parameterCount(): number {
    return Object.values(this.#params).reduce((n, p) => n + p.value.size, 0);
  }

  #logits(): Variable {
    const { H, B, T } = this.#size;
    const { outputs } = this.#layer.forward(this.#x);
    return add(matmul(reshape(outputs, [B * T, H]), this.#W_y), this.#b_y);
  }

  /** One training step: forward, loss, backward, clip to global norm 5, Adam. Returns the loss. */
  trainStep(): number {
    return withBackend(this.backend, () =>
      tidy(() => {
        zeroGrad(Object.values(this.#params));
        const loss = softmaxCrossEntropy(this.#logits(), this.#labels);
        backward(loss);
        clipGradNorm(this.#params, CLIP_NORM);
        this.#optimizer.step();
        return loss.value.item();
      }),
    );
  }

  /** Forward pass over the batch without gradients; the logits `[B·T, V]` are downloaded. */
  infer(): void {
    withBackend(this.backend, () =>
      tidy(() => {
        noGrad(() => this.#logits().value.data());
      }),
    );
  }

  /** Every parameter's values by name (copies), e.g. to compare two runs bit for bit. */
  parameterValues(): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    for (const [name, p] of Object.entries(this.#params)) {
      out[name] = withBackend(this.backend, () => p.value.data()) as Float32Array;
    }
    return out;
  }

  /** Live recur tensors and the backend's storage (textures on the GPU). */
  liveTensors(): { tensors: number; textures: number | undefined } {
    const info = memory();
    return { tensors: info.numTensors, textures: info.backends[this.backend.name]?.textures };
  }

  dispose(): void {
    for (const p of Object.values(this.#params)) p.dispose();
    this.#optimizer.dispose();
    dispose([this.#x, this.#labels]);
  }
}
