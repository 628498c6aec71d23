import type { FlowReport, FromWorker, RunConfig, SampleReport, ToWorker } from '../protocol.js';
import { renderForecastPlot } from './forecast-plot.js';
import { SettingsForm } from './form.js';
import { renderHeatmap } from './heatmap.js';
import { type LossSeries, type ReferenceLine, renderLossChart } from './loss-chart.js';
import { flowRowsOf, movingAverage, smoothingWindow } from './series.js';

/** Keep at most this many heatmap rows (the oldest scroll off). */
const MAX_FLOW_ROWS = 60;

/** Where a panel's run is. */
export type PanelState = 'idle' | 'starting' | 'running' | 'done' | 'stopped' | 'error';

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function svgRoot(className: string, label: string): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', className);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  return svg;
}

/**
 * One side of the comparison: a settings form, a worker that trains what the form says, and
 * what comes back — status, loss curve, gradient-flow heatmap, samples. The panel's element
 * carries `data-state`, `data-backend`, `data-steps`, `data-first-loss`, `data-last-loss`,
 * `data-flow-rows` and, once a forecaster has drawn its plot, `data-forecast-steps` for scripts
 * and tests.
 */
export class Panel {
  readonly name: string;
  readonly color: string;
  readonly element: HTMLElement;
  readonly form = new SettingsForm();
  /** Called after every update (the other panel redraws its faint copy of this loss curve). */
  onChange: () => void = () => {};
  /** Called when a run ends (done, stopped or error). */
  onFinish: () => void = () => {};
  /** (step, training loss) of the current run. */
  losses: [number, number][] = [];
  /** Live tensors in the worker after each step (flat when nothing leaks). */
  tensorCounts: number[] = [];
  /** Wall time of each optimizer update, ms (the first includes compiling GPU kernels). */
  stepMilliseconds: number[] = [];
  state: PanelState = 'idle';
  #other: Panel | null = null;
  #worker: Worker | null = null;
  #config: RunConfig | null = null;
  #baselines: ReferenceLine[] = [];
  #flows: FlowReport[] = [];
  #clippedSteps = 0;
  #backendLine = '';
  #lastStep: Extract<FromWorker, { type: 'step' }> | null = null;
  readonly #status = element('div', 'status');
  readonly #description = element('p', 'description');
  readonly #lossChart = svgRoot('loss-chart', 'training loss by step');
  readonly #heatmap = svgRoot('heatmap', 'gradient norm by time step and training step');
  readonly #sample = element('pre', 'sample');
  readonly #forecastPlot = svgRoot('forecast-plot', 'forecast versus actual readings');
  readonly #sampleHeading = element('h3', '', 'Samples');

  constructor(name: string, color: string) {
    this.name = name;
    this.color = color;
    this.element = element('section', 'panel');
    this.element.style.setProperty('--panel-color', color);
    this.element.dataset.panel = name;
    const heading = element('h2', '', `Run ${name}`);
    const lossHeading = element('h3', '', 'Training loss');
    const flowHeading = element('h3', '', 'Gradient flow ‖∂L/∂a⟨t⟩‖');
    this.element.append(
      heading,
      this.form.element,
      this.#status,
      this.#description,
      lossHeading,
      this.#lossChart,
      flowHeading,
      this.#heatmap,
      this.#sampleHeading,
      this.#forecastPlot,
      this.#sample,
    );
    this.#forecastPlot.setAttribute('hidden', '');
    this.#setState('idle');
    this.#renderStatus('');
    this.#draw();
  }

  /** The panel whose loss curve is drawn faintly behind this one's. */
  get other(): Panel | null {
    return this.#other;
  }

  set other(panel: Panel | null) {
    this.#other = panel;
  }

  /** Starts a run with the form's settings plus the shared ones; stops a running one first. */
  start(
    shared: Pick<RunConfig, 'backend' | 'trainingSteps' | 'diagnoseEvery' | 'sampleEvery'>,
  ): void {
    this.terminate();
    let config: RunConfig;
    try {
      config = { ...this.form.get(), ...shared };
    } catch (error) {
      this.#fail((error as Error).message);
      return;
    }
    this.#config = config;
    this.losses = [];
    this.tensorCounts = [];
    this.#flows = [];
    this.#baselines = [];
    this.#clippedSteps = 0;
    this.stepMilliseconds = [];
    this.#backendLine = '';
    this.#lastStep = null;
    delete this.element.dataset.error;
    delete this.element.dataset.forecastSteps;
    this.#sample.textContent = '';
    this.#forecastPlot.replaceChildren();
    this.#forecastPlot.setAttribute('hidden', '');
    this.#description.textContent = '';
    this.element.dataset.backend = '';
    this.form.setDisabled(true);
    this.#setState('starting');
    this.#renderStatus('starting the worker…');
    const worker = new Worker(new URL('../worker.ts', import.meta.url), { type: 'module' });
    worker.addEventListener('message', (event: MessageEvent<FromWorker>) =>
      this.#receive(event.data),
    );
    worker.addEventListener('error', (event) =>
      this.#fail(event.message || 'the worker failed to load'),
    );
    this.#worker = worker;
    const message: ToWorker = { type: 'start', config };
    worker.postMessage(message);
    this.#draw();
  }

  /** Asks the worker to stop after its current step (it then reports `done`). */
  stop(): void {
    if (!this.#worker || (this.state !== 'running' && this.state !== 'starting')) return;
    const message: ToWorker = { type: 'stop' };
    this.#worker.postMessage(message);
  }

  /** Ends the worker at once (its GPU context goes with it). */
  terminate(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.form.setDisabled(false);
  }

  /** Redraws the loss chart (e.g. after the other panel's curve changed). */
  redrawLoss(): void {
    const series: LossSeries[] = [];
    const other = this.#other;
    if (other && other.losses.length > 0) {
      const window = smoothingWindow(other.losses.length);
      series.push({
        label: `run ${other.name}`,
        color: other.color,
        points: movingAverage(other.losses, window),
        style: 'other',
      });
    }
    if (this.losses.length > 0) {
      const window = smoothingWindow(this.losses.length);
      if (window > 1) {
        series.push({
          label: `run ${this.name}, per batch`,
          color: this.color,
          points: this.losses,
          style: 'raw',
        });
      }
      const label =
        window > 1 ? `run ${this.name} (mean of ${window} batches)` : `run ${this.name}`;
      series.push({
        label,
        color: this.color,
        points: movingAverage(this.losses, window),
        style: 'main',
      });
    }
    renderLossChart(this.#lossChart, series, this.#baselines, this.#lossUnit());
  }

  #lossUnit(): string {
    const config = this.#config;
    if (config?.dataset === 'adding') return 'mean squared error';
    if (config?.architecture === 'forecast') return 'MSE (z-scores)';
    return config?.architecture === 'lm' ? 'nats / char' : 'nats';
  }

  #receive(message: FromWorker): void {
    switch (message.type) {
      case 'ready': {
        this.#baselines = message.baselines;
        this.element.dataset.backend = message.backend;
        this.#description.textContent = `${message.description} ${message.parameterCount.toLocaleString('en')} parameters.`;
        this.#setState('running');
        this.#backendLine = `${message.backend.toUpperCase()} · ${message.detail}${message.fallback ? ` — ${message.fallback}` : ''}`;
        this.#renderStatus('');
        break;
      }
      case 'step': {
        this.losses.push([message.step, message.loss]);
        this.tensorCounts.push(message.tensors);
        if (message.clipped) this.#clippedSteps++;
        this.stepMilliseconds.push(message.milliseconds);
        this.element.dataset.steps = String(message.step);
        this.element.dataset.firstLoss = String(this.losses[0]![1]);
        this.element.dataset.lastLoss = String(message.loss);
        this.#lastStep = message;
        this.#renderStatus('');
        break;
      }
      case 'flow':
        this.#flows.push(message);
        if (this.#flows.length > MAX_FLOW_ROWS) this.#flows.shift();
        this.element.dataset.flowRows = String(this.#flows.length);
        break;
      case 'sample':
        this.#showSample(message);
        break;
      case 'done':
        this.#setState(message.stopped ? 'stopped' : 'done');
        this.#renderStatus(
          `${message.stopped ? 'stopped' : 'done'}: ${message.steps} steps in ${(message.milliseconds / 1000).toFixed(1)} s; ${message.tensors} live tensors`,
        );
        this.terminate();
        this.onFinish();
        break;
      case 'error':
        this.#fail(message.message);
        return;
    }
    this.#draw();
    this.onChange();
  }

  #showSample(message: SampleReport): void {
    const value = message.metric?.value ?? 0;
    const metric = message.metric
      ? ` — ${message.metric.name} ${Math.abs(value) < 0.01 && value !== 0 ? value.toPrecision(3) : value.toFixed(3)}`
      : '';
    this.#sampleHeading.textContent = `${message.plot ? 'Forecast vs actual' : 'Samples'} (step ${message.step}${metric})`;
    this.#sample.textContent = message.text;
    if (message.plot) {
      renderForecastPlot(this.#forecastPlot, message.plot, this.color);
      this.#forecastPlot.removeAttribute('hidden');
      this.element.dataset.forecastSteps = String(message.plot.forecast.length);
    }
  }

  #renderStatus(note: string): void {
    const parts: string[] = [];
    if (this.#backendLine) parts.push(this.#backendLine);
    const step = this.#lastStep;
    const config = this.#config;
    if (step && config && this.state !== 'idle') {
      const recent = this.stepMilliseconds.slice(-20);
      const ms = recent.reduce((a, b) => a + b, 0) / Math.max(1, recent.length);
      parts.push(
        `step ${step.step}/${config.trainingSteps} · loss ${step.loss.toFixed(3)} · ‖g‖ ${step.gradientNorm.toPrecision(3)}` +
          `${config.clipNorm > 0 ? ` · clipped ${Math.round((100 * this.#clippedSteps) / step.step)}%` : ' · no clipping'} · ${ms.toFixed(0)} ms/step`,
      );
    }
    if (note) parts.push(note);
    this.#status.replaceChildren(...parts.map((p) => element('div', '', p)));
  }

  #setState(state: PanelState): void {
    this.state = state;
    this.element.dataset.state = state;
  }

  #fail(message: string): void {
    this.terminate();
    this.#setState('error');
    this.#renderStatus(`error: ${message}`);
    this.element.dataset.error = message;
    this.onFinish();
  }

  #draw(): void {
    this.redrawLoss();
    const config = this.#config;
    const expected = config ? Math.min(MAX_FLOW_ROWS, flowRowsOf(config)) : 1;
    renderHeatmap(this.#heatmap, this.#flows, expected);
  }
}
