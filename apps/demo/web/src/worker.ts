/**
 * The training worker: one run per worker, off the page's main thread. It chooses the backend
 * (gpu.js on WebGL2 through an OffscreenCanvas, or the CPU), then trains step by step and posts
 * every loss, a gradient-flow row every few steps and a sample now and then.
 */
import { type Backend, RecurError, setBackend } from '@recur/tensor';
import type { GpuBackend } from '@recur/tensor/gpu';
import type { BackendName, FromWorker, RunConfig, ToWorker } from './protocol.js';
import { TrainingSession } from './training/session.js';

/** The part of a dedicated worker's global scope used here. */
interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
}

const scope = self as unknown as WorkerScope;
let stopRequested = false;

function post(message: FromWorker): void {
  scope.postMessage(message);
}

/** Lets queued messages (a stop) in between steps, without setTimeout's 4 ms clamp. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/** "gpu.js on WebGL2: <renderer>" (the kernel class name does not survive minification). */
function describeGpu(gpu: GpuBackend): string {
  const gl = gpu.context;
  const webgl2 =
    typeof WebGL2RenderingContext !== 'undefined' && gl instanceof WebGL2RenderingContext;
  return `gpu.js on ${webgl2 ? 'WebGL2' : 'WebGL1'}: ${gpu.renderer}`;
}

/** The backend that runs, what it runs on, and why it is the CPU when the GPU was asked for. */
interface ChosenBackend {
  backend: 'gpu' | 'cpu';
  detail: string;
  fallback?: string;
}

const CPU_DETAIL = 'CPU backend (WebAssembly SIMD kernels where available)';

/**
 * Activates the backend asked for. `auto` is the library's choice: the GPU on a hardware
 * renderer, else the CPU with its notice shown (no WebGL, or a software renderer such as
 * SwiftShader, far slower than the CPU). `gpu` takes the GPU even when it renders in software,
 * and falls back to the CPU, saying why, only when the GPU backend cannot start. The GPU backend
 * (gpu.js, most of the worker's code) is loaded only when it may be used.
 */
async function chooseBackend(choice: BackendName): Promise<ChosenBackend> {
  if (choice === 'cpu') {
    setBackend('cpu');
    return { backend: 'cpu', detail: CPU_DETAIL };
  }
  const { useBackend } = await import('@recur/tensor/gpu');
  let notice: string | undefined;
  let active: Backend;
  try {
    active = useBackend(choice, { notice: (message) => (notice = message) });
  } catch (error) {
    if (!(error instanceof RecurError && error.code === 'BACKEND')) throw error;
    notice = `the GPU backend cannot start: ${error.message}`;
    active = setBackend('cpu');
  }
  if (active.name === 'gpu') return { backend: 'gpu', detail: describeGpu(active as GpuBackend) };
  const reason = (notice ?? 'the GPU backend cannot start').replace(
    /^recur: using the CPU backend(?: because |: )/,
    '',
  );
  return { backend: 'cpu', detail: CPU_DETAIL, fallback: reason };
}

async function mobyDickText(config: RunConfig): Promise<string | undefined> {
  if (config.dataset !== 'moby-dick') return undefined;
  const { excerpt } = await import('virtual:moby-dick-excerpt');
  return excerpt;
}

async function sensorReadings(
  config: RunConfig,
): Promise<{ columns: string[]; values: number[] } | undefined> {
  if (config.dataset !== 'sensors') return undefined;
  const { columns, values } = await import('virtual:sensor-series');
  return { columns, values };
}

async function run(config: RunConfig): Promise<void> {
  const chosen = await chooseBackend(config.backend);
  const text = await mobyDickText(config);
  const readings = await sensorReadings(config);
  const session = new TrainingSession(config, {
    mobyDick: () => text ?? '',
    ...(readings ? { sensors: () => readings } : {}),
  });
  post({
    type: 'ready',
    ...chosen,
    baselines: session.experiment.baselines,
    description: session.experiment.description,
    parameterCount: session.parameterCount,
  });
  const start = performance.now();
  const total = config.trainingSteps;
  for (let step = 1; step <= total && !stopRequested; step++) {
    const report = session.step();
    post(report);
    const last = step === total || !Number.isFinite(report.loss);
    if ((step - 1) % config.diagnoseEvery === 0 || last) post(session.diagnose());
    if (step % config.sampleEvery === 0 || last) post(session.sample());
    if (!Number.isFinite(report.loss)) break;
    await yieldToEvents();
  }
  post({
    type: 'done',
    steps: session.steps,
    milliseconds: performance.now() - start,
    tensors: TrainingSession.liveTensors(),
    stopped: stopRequested,
  });
}

scope.addEventListener('message', (event) => {
  const message = event.data;
  if (message.type === 'stop') {
    stopRequested = true;
    return;
  }
  if (message.type === 'start') {
    stopRequested = false;
    run(message.config).catch((error: unknown) => {
      const text = error instanceof Error ? error.message : String(error);
      post({ type: 'error', message: text });
    });
  }
});
