import { createRequire } from 'node:module';
import path from 'node:path';
import { CLIP_NORM, LEARNING_RATE } from '../configs.js';
import type { Prepared } from '../measure.js';
import { type CellKind, type CharBatch, GATES, type LmSize } from '../workloads/char-lm.js';

type Tf = typeof import('@tensorflow/tfjs');
type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm');

/** The TensorFlow.js backends the bench compares with. */
export type TfBackendName = 'cpu' | 'wasm';

let loaded: Promise<{ tf: Tf; wasm: WasmModule }> | null = null;

/**
 * Loads TensorFlow.js and its wasm backend on first use (importing them registers their
 * backends, so it happens only when a suite needs them). The `.wasm` binaries are read from the
 * installed package, so this works offline.
 */
function load(): Promise<{ tf: Tf; wasm: WasmModule }> {
  loaded ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    wasm.setWasmPaths(`${dir}${path.sep}dist${path.sep}`);
    return { tf, wasm };
  })();
  return loaded;
}

/** A TensorFlow.js backend made active, with what it reports about itself. */
export interface TfSession {
  tf: Tf;
  backend: TfBackendName;
  /** e.g. `wasm (SIMD, 1 thread)` or `cpu (plain JS)`. */
  description: string;
}

/** Makes `backend` the active TensorFlow.js backend. Throws when it cannot be initialised. */
export async function tfSession(backend: TfBackendName): Promise<TfSession> {
  const { tf, wasm } = await load();
  // TF.js greets Node users on console.warn from its cpu backend; keep the output clean.
  const ok = await quietlyAsync(() => tf.setBackend(backend));
  if (!ok) throw new Error(`tf.setBackend('${backend}') returned false`);
  await tf.ready();
  // The greeting is printed on the backend's first write: make that write here, quietly.
  quietly(() => tf.tensor1d([0]).dispose());
  let description = 'cpu (plain JS kernels)';
  if (backend === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    description = `wasm (XNNPACK, ${simd ? 'SIMD' : 'no SIMD'}, ${wasm.getThreadsCount()} thread(s))`;
  }
  return { tf, backend, description };
}

/** Elementwise ops the kernels suite times. */
export type ElementwiseOp = 'add' | 'mul' | 'tanh' | 'sigmoid';

type TfTensor = import('@tensorflow/tfjs').Tensor;

/** A repeated op: `run` computes (freeing the previous result), `sync` downloads the last one. */
function repeated(tf: Tf, inputs: TfTensor[], op: () => TfTensor): Prepared {
  let last: TfTensor | null = null;
  return {
    run: () => {
      const out = op();
      if (last) last.dispose();
      last = out;
    },
    sync: () => {
      last?.dataSync();
    },
    dispose: () => {
      if (last) last.dispose();
      tf.dispose(inputs);
    },
  };
}

/** `[m×k]·[k×n]` on the active backend. */
export function tfMatmul({ tf }: TfSession, m: number, k: number, n: number): Prepared {
  const a = tf.randomNormal([m, k]);
  const b = tf.randomNormal([k, n]);
  return repeated(tf, [a, b], () => tf.matMul(a, b));
}

/** A fresh orthogonal `[n×n]` matrix from `tf.initializers.orthogonal` (QR through TF.js ops). */
export function tfOrthogonal({ tf }: TfSession, n: number): Prepared {
  let seed = 0;
  return repeated(tf, [], () => tf.initializers.orthogonal({ seed: ++seed }).apply([n, n]));
}

/** One elementwise op over `n` values on the active backend. */
export function tfElementwise({ tf }: TfSession, op: ElementwiseOp, n: number): Prepared {
  const a = tf.randomNormal([n]);
  const b = tf.randomNormal([n]);
  const fn = {
    add: () => tf.add(a, b),
    mul: () => tf.mul(a, b),
    tanh: () => tf.tanh(a),
    sigmoid: () => tf.sigmoid(a),
  }[op];
  return repeated(tf, [a, b], fn);
}

/**
 * The recurrent-kernel initializer of every TF.js model. TF.js's default, `orthogonal`, runs a QR
 * decomposition through its own ops: on the cpu backend that alone takes ~100 s at H = 256 and
 * far longer at H = 512. Initial values do not change the cost of a step, so the bench uses
 * `glorotUniform`.
 */
const FAST_INIT = 'glorotUniform' as const;

/** The TF.js cells the e2e suite builds (tf.layers has no IRNN; GRU is used in the cells suite only). */
export type TfCell = Extract<CellKind, 'rnn' | 'lstm' | 'gru'>;

/**
 * A one-layer character LM in tf.layers: one-hot input `[B, T, V]` → LSTM / SimpleRNN / GRU
 * (`returnSequences`) → Dense(V) on every step → softmax cross-entropy, trained with Adam.
 *
 * Two ways to train: {@link TfCharLm.trainOnBatch} — the Keras path, Adam **without** clipping,
 * because TF.js optimizers have no `clipnorm` — and {@link TfCharLm.clippedStep}, which computes
 * the gradients with `tf.variableGrads`, scales them to global norm ≤ 5 and applies Adam: the
 * same algorithm as recur's step.
 */
export class TfCharLm {
  readonly #tf: Tf;
  readonly #model: import('@tensorflow/tfjs').LayersModel;
  readonly #optimizer: import('@tensorflow/tfjs').Optimizer;
  readonly #x: import('@tensorflow/tfjs').Tensor;
  readonly #yOneHot: import('@tensorflow/tfjs').Tensor;
  #compiled = false;

  constructor(session: TfSession, cell: TfCell, size: LmSize, batch: CharBatch) {
    const tf = session.tf;
    this.#tf = tf;
    const { H, T, V } = size;
    const config = {
      units: H,
      returnSequences: true,
      inputShape: [T, V],
      recurrentInitializer: FAST_INIT,
    };
    const recurrent =
      cell === 'lstm'
        ? tf.layers.lstm(config)
        : cell === 'gru'
          ? tf.layers.gru(config)
          : tf.layers.simpleRNN(config);
    this.#model = tf.sequential({ layers: [recurrent, tf.layers.dense({ units: V })] });
    this.#optimizer = tf.train.adam(LEARNING_RATE);
    this.#x = tf.tidy(() =>
      tf.oneHot(tf.tensor2d(batch.inputs, [batch.B, batch.T], 'int32'), V).toFloat(),
    );
    this.#yOneHot = tf.tidy(() =>
      tf.oneHot(tf.tensor2d(batch.targets, [batch.B, batch.T], 'int32'), V).toFloat(),
    );
  }

  /** Parameters of the model (for the report). */
  get parameterCount(): number {
    return this.#model.countParams();
  }

  /** Keras-style `trainOnBatch` (Adam, softmax cross-entropy from logits; no clipping). */
  async trainOnBatch(): Promise<number> {
    const tf = this.#tf;
    if (!this.#compiled) {
      this.#model.compile({
        optimizer: this.#optimizer,
        loss: (
          yTrue: import('@tensorflow/tfjs').Tensor,
          yPred: import('@tensorflow/tfjs').Tensor,
        ) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
      });
      this.#compiled = true;
    }
    const loss = await this.#model.trainOnBatch(this.#x, this.#yOneHot);
    return Array.isArray(loss) ? loss[0]! : loss;
  }

  /** One step of Adam on gradients clipped to global norm 5 (the loss is read back). */
  clippedStep(): number {
    const tf = this.#tf;
    return tf.tidy(() => {
      const variables = this.#model.trainableWeights.map(
        (w) => w.read() as import('@tensorflow/tfjs').Variable,
      );
      const { value, grads } = tf.variableGrads(() => {
        const logits = this.#model.apply(this.#x, {
          training: true,
        }) as import('@tensorflow/tfjs').Tensor;
        return tf.losses.softmaxCrossEntropy(
          this.#yOneHot,
          logits,
        ) as import('@tensorflow/tfjs').Scalar;
      }, variables);
      const names = Object.keys(grads);
      const squares = names.map((name) => tf.sum(tf.square(grads[name]!)));
      const norm = tf.sqrt(tf.addN(squares));
      const scale = tf.minimum(1, tf.div(CLIP_NORM, tf.add(norm, 1e-6)));
      const clipped: Record<string, import('@tensorflow/tfjs').Tensor> = {};
      for (const name of names) clipped[name] = tf.mul(grads[name]!, scale);
      this.#optimizer.applyGradients(clipped);
      return value.dataSync()[0]!;
    });
  }

  /** Forward pass over the batch; the logits `[B, T, V]` are downloaded. */
  infer(): void {
    const out = this.#model.predict(this.#x) as import('@tensorflow/tfjs').Tensor;
    out.dataSync();
    out.dispose();
  }

  /** Live TF.js tensors (for the memory comparison). */
  liveTensors(): number {
    return this.#tf.memory().numTensors;
  }

  dispose(): void {
    this.#tf.dispose([this.#x, this.#yOneHot]);
    this.#model.dispose();
    this.#optimizer.dispose();
  }
}

/** Gate count of a TF.js cell (for flop counts). */
export const tfGates = (cell: TfCell): number => GATES[cell];

/** Runs `fn` with `console.warn` silenced (tf.layers warns about large orthogonal initialisations). */
export function quietly<T>(fn: () => T): T {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
}

async function quietlyAsync<T>(fn: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return await fn();
  } finally {
    console.warn = warn;
  }
}

/**
 * A tf.layers recurrent layer (`lstm`, `simpleRNN` or `gru`, `returnSequences`) over a random
 * `[B, T, I]` input: `forward` applies it and sums the outputs; `forwardBackward` also takes the
 * gradients of that sum with respect to the layer's weights (`tf.variableGrads`). Each call reads
 * the sum back.
 */
export function tfSequenceLayer(
  { tf }: TfSession,
  cell: TfCell,
  size: { I: number; H: number; B: number; T: number },
  mode: 'forward' | 'forwardBackward',
): Prepared {
  const { I, H, B, T } = size;
  const config = {
    units: H,
    returnSequences: true,
    inputShape: [T, I],
    recurrentInitializer: FAST_INIT,
  };
  const layer = quietly(() =>
    cell === 'lstm'
      ? tf.layers.lstm(config)
      : cell === 'gru'
        ? tf.layers.gru(config)
        : tf.layers.simpleRNN(config),
  );
  const x = tf.randomNormal([B, T, I]);
  quietly(() => layer.apply(x));
  const weights = layer.trainableWeights.map(
    (w) => w.read() as import('@tensorflow/tfjs').Variable,
  );
  const total = () => tf.sum(layer.apply(x) as TfTensor) as import('@tensorflow/tfjs').Scalar;
  const run =
    mode === 'forward'
      ? () => tf.tidy(() => total().dataSync())
      : () =>
          tf.tidy(() => {
            const { value, grads } = tf.variableGrads(total, weights);
            value.dataSync();
            tf.dispose(Object.values(grads));
          });
  return {
    run,
    dispose: () => {
      x.dispose();
      layer.dispose();
    },
  };
}
