/** Small helpers for building SVG by hand (no chart library). */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes (numbers are written as they are). */
export function svgElement<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
  text?: string,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** About `count` round tick values covering [low, high] (1, 2 or 5 × 10ⁿ apart). */
export function niceTicks(low: number, high: number, count = 5): number[] {
  if (!(high > low)) return [low];
  const raw = (high - low) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step) {
    ticks.push(Number(v.toPrecision(12)));
  }
  return ticks;
}

/** A number short enough for an axis label. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e4 || abs < 1e-3) return value.toExponential(0);
  return String(Number(value.toPrecision(3)));
}

/** A plot's frame: its size and the margins around the plotting area. */
export interface PlotFrame {
  width: number;
  height: number;
  margin: { left: number; right: number; top: number; bottom: number };
}

/** Labels under the x axis at `ticks`, placed by `x`. */
export function xTickLabels(
  frame: PlotFrame,
  ticks: readonly number[],
  x: (value: number) => number,
): SVGTextElement[] {
  const y = frame.height - frame.margin.bottom + 13;
  return ticks.map((tick) =>
    svgElement('text', { x: x(tick), y, 'text-anchor': 'middle' }, formatTick(tick)),
  );
}

/** The left and bottom axis lines of a plot. */
export function axisLines({ width, height, margin }: PlotFrame): SVGLineElement[] {
  const bottom = height - margin.bottom;
  return [
    svgElement('line', {
      x1: margin.left,
      x2: margin.left,
      y1: margin.top,
      y2: bottom,
      class: 'axis',
    }),
    svgElement('line', {
      x1: margin.left,
      x2: width - margin.right,
      y1: bottom,
      y2: bottom,
      class: 'axis',
    }),
  ];
}
