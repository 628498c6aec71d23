import { CELL_KINDS, CELLS, type CellKind } from '@recur/cells';
import { DATASETS } from '../presets.js';
import type { ArchitectureName, DatasetName, OptimizerName, RunConfig } from '../protocol.js';

/** The settings a panel's form edits (backend and step count are shared, in the toolbar). */
export type PanelSettings = Omit<
  RunConfig,
  'backend' | 'trainingSteps' | 'diagnoseEvery' | 'sampleEvery'
>;

interface NumberField {
  key: keyof PanelSettings;
  label: string;
  min: number;
  max: number;
  step: number;
  title: string;
}

const NUMBER_FIELDS: NumberField[] = [
  { key: 'hiddenSize', label: 'hidden', min: 1, max: 512, step: 1, title: 'hidden units H' },
  { key: 'batchSize', label: 'batch', min: 1, max: 256, step: 1, title: 'sequences per batch B' },
  {
    key: 'sequenceLength',
    label: 'T',
    min: 2,
    max: 200,
    step: 1,
    title: 'time steps per sequence',
  },
  { key: 'learningRate', label: 'lr', min: 0, max: 10, step: 0.001, title: 'learning rate' },
  {
    key: 'clipNorm',
    label: 'clip',
    min: 0,
    max: 1000,
    step: 0.1,
    title: 'clip the global gradient norm to this value (0 = off)',
  },
  {
    key: 'recurrentGain',
    label: 'W_a gain',
    min: 0,
    max: 10,
    step: 0.1,
    title: 'multiply the recurrent weights after initialisation (> 1: exploding, < 1: vanishing)',
  },
  {
    key: 'seed',
    label: 'seed',
    min: 0,
    max: 2 ** 31,
    step: 1,
    title: 'seed of weights and batches',
  },
];

function select(
  name: string,
  options: { value: string; label: string }[],
  title: string,
): HTMLSelectElement {
  const element = document.createElement('select');
  element.name = name;
  element.title = title;
  for (const o of options) element.append(new Option(o.label, o.value));
  return element;
}

function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  const label = document.createElement('label');
  const span = document.createElement('span');
  span.textContent = text;
  label.append(span, control);
  return label;
}

/** A panel's settings form: architecture, dataset (per architecture), cell, optimizer, numbers. */
export class SettingsForm {
  readonly element: HTMLFormElement;
  readonly #architecture: HTMLSelectElement;
  readonly #dataset: HTMLSelectElement;
  readonly #cell: HTMLSelectElement;
  readonly #optimizer: HTMLSelectElement;
  readonly #numbers = new Map<keyof PanelSettings, HTMLInputElement>();

  constructor() {
    this.element = document.createElement('form');
    this.element.className = 'settings';
    this.element.addEventListener('submit', (event) => event.preventDefault());
    this.#architecture = select(
      'architecture',
      [
        { value: 'lm', label: 'language model' },
        { value: 'classify', label: 'classifier' },
        { value: 'seq2seq', label: 'encoder–decoder' },
        { value: 'caption', label: 'captioner' },
      ],
      'which design to train: a language model (many-to-many), a classifier (many-to-one), an encoder–decoder (many-to-many of different lengths) or a captioner (one-to-many)',
    );
    this.#dataset = select('dataset', [], 'training data');
    this.#cell = select(
      'cell',
      CELL_KINDS.map((kind) => ({ value: kind, label: CELLS[kind].label })),
      'recurrent cell',
    );
    this.#optimizer = select(
      'optimizer',
      [
        { value: 'adam', label: 'Adam' },
        { value: 'sgd', label: 'SGD' },
        { value: 'rmsprop', label: 'RMSProp' },
      ],
      'optimizer',
    );
    this.#architecture.addEventListener('change', () => this.#fillDatasets());
    this.#fillDatasets();
    this.element.append(
      labelled('architecture', this.#architecture),
      labelled('dataset', this.#dataset),
      labelled('cell', this.#cell),
      labelled('optimizer', this.#optimizer),
    );
    for (const field of NUMBER_FIELDS) {
      const input = document.createElement('input');
      input.type = 'number';
      input.name = field.key;
      input.min = String(field.min);
      input.max = String(field.max);
      input.step = String(field.step);
      input.title = field.title;
      this.#numbers.set(field.key, input);
      this.element.append(labelled(field.label, input));
    }
  }

  #fillDatasets(): void {
    const previous = this.#dataset.value;
    const options = DATASETS[this.#architecture.value as ArchitectureName] ?? [];
    this.#dataset.replaceChildren(...options.map((o) => new Option(o.label, o.value)));
    if (options.some((o) => o.value === previous)) this.#dataset.value = previous;
  }

  /** Shows `settings` in the form. */
  set(settings: Partial<PanelSettings>): void {
    if (settings.architecture) {
      this.#architecture.value = settings.architecture;
      this.#fillDatasets();
    }
    if (settings.dataset) this.#dataset.value = settings.dataset;
    if (settings.cell) this.#cell.value = settings.cell;
    if (settings.optimizer) this.#optimizer.value = settings.optimizer;
    for (const [key, input] of this.#numbers) {
      const value = settings[key];
      if (typeof value === 'number') input.value = String(value);
    }
  }

  /** The settings in the form; throws with the field's name when a number is invalid. */
  get(): PanelSettings {
    const number = (key: keyof PanelSettings): number => {
      const input = this.#numbers.get(key)!;
      const value = Number(input.value);
      if (
        input.value === '' ||
        !Number.isFinite(value) ||
        value < Number(input.min) ||
        value > Number(input.max)
      ) {
        throw new Error(
          `${input.title}: expected a number in [${input.min}, ${input.max}], got '${input.value}'`,
        );
      }
      return value;
    };
    return {
      architecture: this.#architecture.value as ArchitectureName,
      dataset: this.#dataset.value as DatasetName,
      cell: this.#cell.value as CellKind,
      optimizer: this.#optimizer.value as OptimizerName,
      hiddenSize: Math.round(number('hiddenSize')),
      batchSize: Math.round(number('batchSize')),
      sequenceLength: Math.round(number('sequenceLength')),
      learningRate: number('learningRate'),
      clipNorm: number('clipNorm'),
      recurrentGain: number('recurrentGain'),
      seed: Math.round(number('seed')),
    };
  }

  /** Enables or disables every control (while training). */
  setDisabled(disabled: boolean): void {
    for (const control of this.element.querySelectorAll('select, input')) {
      (control as HTMLInputElement).disabled = disabled;
    }
  }
}
