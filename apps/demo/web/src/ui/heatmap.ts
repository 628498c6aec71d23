import type { FlowReport } from '../protocol.js';
import { svgElement } from './svg.js';

const WIDTH = 460;
const HEIGHT = 240;
const MARGIN = { left: 44, right: 40, top: 34, bottom: 26 };
/** Decades either side of 1 that the colour scale spans; beyond, colours saturate. */
export const DECADES = 4;

const NEUTRAL = [247, 247, 247];
const VANISH = [33, 102, 172];
const EXPLODE = [178, 24, 43];

/**
 * The colour of log₁₀(‖∂L/∂a⟨t⟩‖ / ‖∂L/∂a⟨T⟩‖): blue where the gradient that reaches step t has
 * shrunk (vanishing; a gradient that underflowed to 0 gives −∞, the deepest blue), red where it
 * has grown (exploding), near-white where it holds; black for NaN or +∞ (a non-finite gradient).
 */
export function flowColor(log10Ratio: number): string {
  if (Number.isNaN(log10Ratio) || log10Ratio === Number.POSITIVE_INFINITY) return 'rgb(17,17,17)';
  const s = Math.min(1, Math.abs(log10Ratio) / DECADES) ** 0.8;
  const target = log10Ratio < 0 ? VANISH : EXPLODE;
  const mix = NEUTRAL.map((n, i) => Math.round(n + (target[i]! - n) * s));
  return `rgb(${mix.join(',')})`;
}

/** log₁₀ of each norm relative to the last step's (where the loss is). */
export function relativeLogNorms(norms: readonly number[]): number[] {
  const last = norms[norms.length - 1]!;
  return norms.map((n) => Math.log10(n / last));
}

const SUPERSCRIPTS: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

/** An integer in superscript digits, e.g. −6 → ⁻⁶. */
export function superscript(n: number): string {
  return Array.from(String(n), (ch) => SUPERSCRIPTS[ch] ?? ch).join('');
}

const VERDICT_MARK: Record<FlowReport['verdict'], { letter: string; color: string }> = {
  vanishing: { letter: 'V', color: `rgb(${VANISH.join(',')})` },
  exploding: { letter: 'E', color: `rgb(${EXPLODE.join(',')})` },
  healthy: { letter: 'ok', color: '#15803d' },
};

/**
 * Redraws `svg` as a heatmap of ‖∂L/∂a⟨t⟩‖: time step t across (1 … T, the loss at T), one row
 * per measurement down (training step), colour = log₁₀ of the norm relative to step T
 * ({@link flowColor}). Each row ends with the verdict of `gradientFlow` (V, E or ok); a colour
 * bar on top gives the scale. `expectedRows` sizes the rows so the map fills in as training goes.
 */
export function renderHeatmap(
  svg: SVGSVGElement,
  rows: readonly FlowReport[],
  expectedRows: number,
): void {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const T = rows[0]?.norms.length ?? 1;
  const rowCount = Math.max(expectedRows, rows.length, 1);
  const cellW = plotW / T;
  const cellH = plotH / rowCount;

  // colour bar: "vanishing [■■■■■■] exploding", with 10⁻⁶ · 1 · 10⁶ under it
  const barW = 150;
  const barX = WIDTH - MARGIN.right - barW - 46;
  const bar = svgElement('g', { class: 'legend' });
  const stops = 24;
  for (let i = 0; i < stops; i++) {
    const v = -DECADES + (2 * DECADES * (i + 0.5)) / stops;
    bar.append(
      svgElement('rect', {
        x: barX + (barW * i) / stops,
        y: 4,
        width: barW / stops + 0.5,
        height: 8,
        fill: flowColor(v),
      }),
    );
  }
  bar.append(
    svgElement('text', { x: barX - 4, y: 11, 'text-anchor': 'end' }, 'vanishing'),
    svgElement('text', { x: barX + barW + 4, y: 11, 'text-anchor': 'start' }, 'exploding'),
    svgElement('text', { x: barX, y: 23, 'text-anchor': 'middle' }, `10${superscript(-DECADES)}`),
    svgElement('text', { x: barX + barW / 2, y: 23, 'text-anchor': 'middle' }, '1'),
    svgElement(
      'text',
      { x: barX + barW, y: 23, 'text-anchor': 'middle' },
      `10${superscript(DECADES)}`,
    ),
    svgElement('text', { x: 0, y: 11 }, '‖∂L/∂a⟨t⟩‖ ÷ ‖∂L/∂a⟨T⟩‖'),
  );
  svg.append(bar);

  const cells = svgElement('g', { class: 'cells' });
  rows.forEach((row, r) => {
    const y = MARGIN.top + r * cellH;
    relativeLogNorms(row.norms).forEach((v, t) => {
      const rect = svgElement('rect', {
        x: (MARGIN.left + t * cellW).toFixed(2),
        y: y.toFixed(2),
        width: (cellW + 0.3).toFixed(2),
        height: (cellH + 0.3).toFixed(2),
        fill: flowColor(v),
        class: 'cell',
      });
      rect.append(
        svgElement(
          'title',
          {},
          `step ${row.step}, t = ${t + 1}: ‖∂L/∂a‖ = ${row.norms[t]!.toExponential(2)}`,
        ),
      );
      cells.append(rect);
    });
    const mark = VERDICT_MARK[row.verdict];
    if (cellH >= 6 || r === rows.length - 1) {
      cells.append(
        svgElement(
          'text',
          {
            x: WIDTH - MARGIN.right + 4,
            y: y + Math.min(cellH, 12) * 0.8,
            fill: mark.color,
            class: 'verdict',
          },
          mark.letter,
        ),
      );
    }
  });
  svg.append(cells);

  const axes = svgElement('g', { class: 'axes' });
  const bottom = MARGIN.top + plotH;
  axes.append(
    svgElement('rect', {
      x: MARGIN.left,
      y: MARGIN.top,
      width: plotW,
      height: plotH,
      class: 'frame',
    }),
    svgElement('text', { x: MARGIN.left, y: bottom + 12, 'text-anchor': 'start' }, 't = 1'),
    svgElement(
      'text',
      { x: MARGIN.left + plotW, y: bottom + 12, 'text-anchor': 'end' },
      `t = T = ${T}`,
    ),
    svgElement(
      'text',
      { x: MARGIN.left + plotW / 2, y: bottom + 22, 'text-anchor': 'middle' },
      'time step t (loss at T) →',
    ),
    svgElement(
      'text',
      {
        x: 10,
        y: MARGIN.top + plotH / 2,
        transform: `rotate(-90 10 ${MARGIN.top + plotH / 2})`,
        'text-anchor': 'middle',
      },
      'training step ↓',
    ),
  );
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (first)
    axes.append(
      svgElement(
        'text',
        { x: MARGIN.left - 4, y: MARGIN.top + 8, 'text-anchor': 'end' },
        String(first.step),
      ),
    );
  if (last && rows.length > 1) {
    axes.append(
      svgElement(
        'text',
        {
          x: MARGIN.left - 4,
          y: MARGIN.top + (rows.length - 1) * cellH + Math.min(cellH, 10),
          'text-anchor': 'end',
        },
        String(last.step),
      ),
    );
  }
  svg.append(axes);
}
