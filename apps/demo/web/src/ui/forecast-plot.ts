import type { ForecastPlot } from '../protocol.js';
import { forecastLines, type PlotLine } from './forecast-lines.js';
import { axisLines, niceTicks, svgElement, xTickLabels } from './svg.js';

const WIDTH = 460;
const HEIGHT = 200;
const MARGIN = { left: 44, right: 12, top: 10, bottom: 30 };
const FRAME = { width: WIDTH, height: HEIGHT, margin: MARGIN };

/**
 * Redraws `svg` as a line plot of a forecast against what happened: the readings the model read
 * (grey), then the actual values (dark) and the forecast (the panel's colour, dashed), with a
 * vertical line where the forecast starts. Each line is a `polyline` with a class
 * (`history`, `actual`, `forecast`) and a `<title>`.
 */
export function renderForecastPlot(svg: SVGSVGElement, plot: ForecastPlot, color: string): void {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  const lines = forecastLines(plot);
  const all = [...lines.history, ...lines.actual, ...lines.forecast];
  const xMin = Math.min(...all.map(([x]) => x));
  const xMax = Math.max(...all.map(([x]) => x));
  let yMin = Math.min(...all.map(([, y]) => y));
  let yMax = Math.max(...all.map(([, y]) => y));
  const pad = 0.08 * (yMax - yMin || 1);
  yMin -= pad;
  yMax += pad;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (s: number) => MARGIN.left + (plotW * (s - xMin)) / Math.max(1e-9, xMax - xMin);
  const y = (v: number) => MARGIN.top + plotH * (1 - (v - yMin) / (yMax - yMin));

  const axes = svgElement('g', { class: 'axes' });
  const yTicks = niceTicks(yMin, yMax, 4);
  // As many decimals as the tick spacing needs (23.85 and 23.9 must not both read 23.9).
  const spacing = yTicks.length > 1 ? yTicks[1]! - yTicks[0]! : 1;
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(spacing) + 1e-9)));
  for (const tick of yTicks) {
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
        tick.toFixed(decimals),
      ),
    );
  }
  axes.append(
    ...xTickLabels(FRAME, niceTicks(xMin, xMax, 6), x),
    ...axisLines(FRAME),
    svgElement('line', {
      x1: x(0),
      x2: x(0),
      y1: MARGIN.top,
      y2: HEIGHT - MARGIN.bottom,
      class: 'now',
    }),
    svgElement(
      'text',
      { x: WIDTH - MARGIN.right, y: HEIGHT - 3, 'text-anchor': 'end' },
      'seconds from the last reading read',
    ),
    svgElement(
      'text',
      {
        x: 10,
        y: MARGIN.top + plotH / 2,
        transform: `rotate(-90 10 ${MARGIN.top + plotH / 2})`,
        'text-anchor': 'middle',
      },
      plot.label,
    ),
  );
  svg.append(axes);

  const draw = (
    points: PlotLine,
    name: string,
    title: string,
    attributes: Record<string, string | number>,
  ) => {
    const line = svgElement('polyline', {
      points: points.map(([s, v]) => `${x(s).toFixed(1)},${y(v).toFixed(1)}`).join(' '),
      fill: 'none',
      class: `series ${name}`,
      ...attributes,
    });
    line.append(svgElement('title', {}, title));
    svg.append(line);
  };
  draw(lines.history, 'history', `read by the model (${plot.history.length} steps)`, {
    stroke: '#8a8a8a',
    'stroke-width': 1.4,
  });
  draw(lines.actual, 'actual', 'actual', { stroke: '#222', 'stroke-width': 1.6 });
  draw(lines.forecast, 'forecast', `forecast (${plot.forecast.length} steps)`, {
    stroke: color,
    'stroke-width': 1.8,
    'stroke-dasharray': '5 3',
  });
  const legend = svgElement('g', { class: 'legend' });
  [
    ['read', '#8a8a8a'],
    ['actual', '#222'],
    ['forecast', color],
  ].forEach(([text, stroke], i) => {
    const lx = MARGIN.left + 8 + i * 78;
    legend.append(
      svgElement('line', {
        x1: lx,
        x2: lx + 16,
        y1: MARGIN.top + 8,
        y2: MARGIN.top + 8,
        stroke: stroke!,
        'stroke-width': 2,
      }),
      svgElement('text', { x: lx + 20, y: MARGIN.top + 11 }, text!),
    );
  });
  svg.append(legend);
}
