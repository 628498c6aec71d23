/**
 * The page: a toolbar (comparison presets, backend, steps, train/stop) over two panels that
 * train side by side, each in its own Web Worker.
 *
 * URL parameters preset the toolbar: `?preset=clipping&backend=cpu&steps=50&autostart=1`.
 */
import { cadence, DEFAULT_CONFIG, PRESETS, type Preset } from './presets.js';
import type { BackendName } from './protocol.js';
import { Panel } from './ui/panel.js';
import './style.css';

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html has no #${id}`);
  return element as T;
}

const panels = [new Panel('A', '#2563eb'), new Panel('B', '#ea580c')] as const;
const [panelA, panelB] = panels;
panelA.other = panelB;
panelB.other = panelA;
for (const panel of panels) panel.form.set(DEFAULT_CONFIG);
byId('panels').append(panelA.element, panelB.element);

const backend = byId<HTMLSelectElement>('backend');
const steps = byId<HTMLInputElement>('steps');
const train = byId<HTMLButtonElement>('train');
const stop = byId<HTMLButtonElement>('stop');
const explanation = byId<HTMLParagraphElement>('explanation');
const presetButtons = byId<HTMLFieldSetElement>('presets');

function applyPreset(preset: Preset): void {
  panelA.form.set({ ...DEFAULT_CONFIG, ...preset.common, ...preset.a });
  panelB.form.set({ ...DEFAULT_CONFIG, ...preset.common, ...preset.b });
  if (preset.common.trainingSteps) steps.value = String(preset.common.trainingSteps);
  explanation.textContent = preset.explanation;
  for (const button of presetButtons.querySelectorAll('button')) {
    button.classList.toggle('active', button.dataset.preset === preset.id);
  }
}

for (const preset of PRESETS) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = preset.label;
  button.dataset.preset = preset.id;
  button.addEventListener('click', () => applyPreset(preset));
  presetButtons.append(button);
}

function running(): boolean {
  return panels.some((p) => p.state === 'running' || p.state === 'starting');
}

function updateButtons(): void {
  train.disabled = running();
  stop.disabled = !running();
  document.body.dataset.running = String(running());
}

train.addEventListener('click', () => {
  const trainingSteps = Math.round(Number(steps.value));
  if (!(trainingSteps >= 1 && trainingSteps <= 100_000)) {
    steps.setCustomValidity('steps: a whole number from 1 to 100000');
    steps.reportValidity();
    return;
  }
  steps.setCustomValidity('');
  const shared = {
    backend: backend.value as BackendName,
    trainingSteps,
    ...cadence(trainingSteps),
  };
  for (const panel of panels) panel.start(shared);
  updateButtons();
});

stop.addEventListener('click', () => {
  for (const panel of panels) panel.stop();
});

for (const panel of panels) {
  panel.onChange = () => panel.other?.redrawLoss();
  panel.onFinish = updateButtons;
}

declare global {
  interface Window {
    /** The two panels, for the browser console and the end-to-end test. */
    recurDemo?: { panels: readonly Panel[] };
  }
}
window.recurDemo = { panels };

const params = new URLSearchParams(location.search);
applyPreset(PRESETS.find((p) => p.id === params.get('preset')) ?? PRESETS[0]!);
const backendParam = params.get('backend');
if (backendParam === 'gpu' || backendParam === 'cpu' || backendParam === 'auto')
  backend.value = backendParam;
const stepsParam = params.get('steps');
if (stepsParam) steps.value = stepsParam;
updateButtons();
if (params.get('autostart') === '1') train.click();
