import { axisLines, formatTick, niceTicks, svgElement, xTickLabels } from './svg.js';

/** One line on the chart: (training step, loss) pairs. */
export interface LossSeries {
  label: string;
  color: string;
  points: ReadonlyArray<readonly [number, number]>;
  /**
   * `main`: bold; `raw`: thin and translucent (per-batch losses under a smoothed line);
   * `other`: thin and dashed (the other panel's run, for comparison).
   */
  style: 'main' | 'raw' | 'other';
}

const STROKES: Record<LossSeries['style'], Record<string, string | number>> = {
  main: { 'stroke-width': 1.8 },
  raw: { 'stroke-width': 0.8, 'stroke-opacity': 0.35 },
  other: { 'stroke-width': 1.2, 'stroke-opacity': 0.7, 'stroke-dasharray': '5 3' },
};

/** A horizontal reference line (a baseline loss). */
export interface ReferenceLine {
  name: string;
  value: number;
}

const WIDTH = 460;
const HEIGHT = 220;
const MARGIN = { left: 44, right: 12, top: 10, bottom: 30 };
const FRAME = { width: WIDTH, height: HEIGHT, margin: MARGIN };

/** Every `stride`-th point, so a long run stays a few hundred SVG vertices. */
function thin(points: LossSeries['points'], limit = 400): LossSeries['points'] {
  if (points.length <= limit) return points;
  const stride = Math.ceil(points.length / limit);
  return points.filter((_, i) => i % stride === 0 || i === points.length - 1);
}

/**
 * Redraws `svg` as a loss-versus-step chart: one polyline per series, dashed baselines, axes
 * with round ticks. Non-finite losses are left out and marked with a red × at the step where
 * the run diverged. The y range covers the finite losses and the baselines, capped at three
 * times the first loss so one spike does not flatten the rest.
 */
export function renderLossChart(
  svg: SVGSVGElement,
  series: readonly LossSeries[],
  references: readonly ReferenceLine[],
  yLabel: string,
): void {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  const finite = series.flatMap((s) => s.points.filter(([, y]) => Number.isFinite(y)));
  const maxStep = Math.max(1, ...series.flatMap((s) => s.points.map(([x]) => x)));
  const values = [...finite.map(([, y]) => y), ...references.map((r) => r.value)];
  const firsts = series.map((s) => s.points[0]?.[1] ?? 0).filter(Number.isFinite);
  const cap = 3 * Math.max(...firsts, 0);
  let yMax = values.length ? Math.max(...values) : 1;
  if (cap > 0) yMax = Math.min(yMax, cap);
  let yMin = values.length ? Math.min(...values, yMax) : 0;
  yMin = Math.max(0, yMin - 0.05 * (yMax - yMin));
  if (!(yMax > yMin)) yMax = yMin + 1;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (step: number) => MARGIN.left + (plotW * (step - 1)) / Math.max(1, maxStep - 1);
  const y = (loss: number) =>
    MARGIN.top + plotH * (1 - (Math.min(Math.max(loss, yMin), yMax) - yMin) / (yMax - yMin));

  const axes = svgElement('g', { class: 'axes' });
  for (const tick of niceTicks(yMin, yMax, 4)) {
    axes.append(
      svgElement('line', {
        x1: MARGIN.left,
        x2: WIDTH - MARGIN.right,
        y1: y(tick),
        y2: y(tick),
        class: 'grid',
      }),
      svgElement(
        'text',
        { x: MARGIN.left - 4, y: y(tick) + 3, 'text-anchor': 'end' },
        formatTick(tick),
      ),
    );
  }
  axes.append(
    ...xTickLabels(
      FRAME,
      niceTicks(1, maxStep, 5).filter((t) => t >= 1),
      x,
    ),
    ...axisLines(FRAME),
    svgElement(
      'text',
      { x: WIDTH - MARGIN.right, y: HEIGHT - 3, 'text-anchor': 'end' },
      'training step',
    ),
    svgElement(
      'text',
      {
        x: 10,
        y: MARGIN.top + plotH / 2,
        transform: `rotate(-90 10 ${MARGIN.top + plotH / 2})`,
        'text-anchor': 'middle',
      },
      yLabel,
    ),
  );
  svg.append(axes);

  // Labels of nearby baselines are moved up so that they do not print over each other.
  const labelled: number[] = [];
  for (const reference of [...references].sort((a, b) => a.value - b.value)) {
    if (reference.value < yMin || reference.value > yMax) continue;
    let labelY = y(reference.value) - 3;
    while (labelled.some((used) => Math.abs(used - labelY) < 9)) labelY -= 9;
    labelled.push(labelY);
    svg.append(
      svgElement('line', {
        x1: MARGIN.left,
        x2: WIDTH - MARGIN.right,
        y1: y(reference.value),
        y2: y(reference.value),
        class: 'baseline',
      }),
      svgElement(
        'text',
        {
          x: WIDTH - MARGIN.right - 2,
          y: labelY,
          'text-anchor': 'end',
          class: 'baseline-label',
        },
        `${reference.name} ${reference.value < 0.01 ? reference.value.toPrecision(2) : reference.value.toFixed(3)}`,
      ),
    );
  }

  const order: LossSeries['style'][] = ['other', 'raw', 'main'];
  for (const s of [...series].sort((a, b) => order.indexOf(a.style) - order.indexOf(b.style))) {
    const points = thin(s.points);
    const coordinates = points
      .filter(([, loss]) => Number.isFinite(loss))
      .map(([step, loss]) => `${x(step).toFixed(1)},${y(loss).toFixed(1)}`)
      .join(' ');
    const line = svgElement('polyline', {
      points: coordinates,
      fill: 'none',
      stroke: s.color,
      ...STROKES[s.style],
      class: `series ${s.style}`,
    });
    line.append(svgElement('title', {}, s.label));
    svg.append(line);
    const diverged = s.points.find(([, loss]) => !Number.isFinite(loss));
    if (diverged && s.style === 'main') {
      const cx = x(diverged[0]);
      svg.append(
        svgElement(
          'text',
          { x: cx, y: MARGIN.top + 12, 'text-anchor': 'middle', class: 'diverged' },
          '× NaN',
        ),
      );
    }
  }
}
