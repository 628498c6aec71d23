import { RecurError } from '@recur/tensor';

/** One bar of a {@link barChart}. */
export interface Bar {
  label: string;
  value: number;
  /** Fill colour; a palette colour by series label when absent. */
  color?: string;
}

/** A group of bars sharing a label (e.g. one configuration). */
export interface BarGroup {
  label: string;
  bars: Bar[];
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  title: string;
  /** Axis caption, e.g. `tokens/s (log scale)`. */
  unit: string;
  groups: BarGroup[];
  /** Logarithmic value axis (default true: throughputs span decades). */
  log?: boolean;
  /** Width in pixels (default 900). */
  width?: number;
}

const PALETTE = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#9333ea',
  '#ea580c',
  '#0891b2',
  '#ca8a04',
  '#db2777',
  '#4b5563',
];

/** Escapes text for an SVG text node or attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A compact number: 3 significant digits, k/M suffixes. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toPrecision(3)}k`;
  if (abs >= 100 || Number.isInteger(value)) return value.toFixed(0);
  if (abs === 0) return '0';
  return value.toPrecision(3);
}

/** Tick values for a log axis over [lo, hi]: 1, 2, 5 × 10^k (or only powers of ten if many). */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi >= lo)) {
    throw new RecurError('ARGUMENT', `logTicks: range is [${lo}, ${hi}]; expected 0 < lo ≤ hi`);
  }
  const ticks: number[] = [];
  const decades = Math.log10(hi) - Math.log10(lo);
  const steps = decades > 4 ? [1] : [1, 2, 5];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const s of steps) {
      const v = s * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(v);
    }
  }
  return ticks;
}

function colorFor(labels: string[], label: string): string {
  let index = labels.indexOf(label);
  if (index < 0) {
    labels.push(label);
    index = labels.length - 1;
  }
  return PALETTE[index % PALETTE.length]!;
}

/**
 * A horizontal grouped bar chart as a standalone SVG document (no dependencies): one band per
 * group, one bar per series, a legend of series, value labels at the bar ends. Non-positive
 * values on a log axis are drawn as empty bars labelled with their value.
 */
export function barChart(options: BarChartOptions): string {
  const width = options.width ?? 900;
  const log = options.log ?? true;
  const longest = Math.max(0, ...options.groups.map((g) => g.label.length));
  const labelWidth = Math.min(360, Math.max(120, Math.ceil(longest * 6.8) + 16));
  const right = 90;
  const barHeight = 14;
  const groupGap = 12;
  const top = 50;
  const values = options.groups
    .flatMap((g) => g.bars.map((b) => b.value))
    .filter((v) => Number.isFinite(v) && (!log || v > 0));
  const seriesLabels: string[] = [];
  for (const g of options.groups) for (const b of g.bars) colorFor(seriesLabels, b.label);
  const plotHeight = options.groups.reduce((h, g) => h + g.bars.length * barHeight + groupGap, 0);
  const legendRows = Math.ceil(seriesLabels.length / 3);
  const height = top + plotHeight + 40 + legendRows * 18 + 10;
  const plotWidth = width - labelWidth - right;
  const max = values.length ? Math.max(...values) : 1;
  const min = values.length ? Math.min(...values) : 1;
  const lo = log ? 10 ** Math.floor(Math.log10(min)) : 0;
  const hi = log ? 10 ** Math.ceil(Math.log10(max)) : max * 1.05 || 1;
  const scale = (v: number): number => {
    if (log)
      return v > 0
        ? ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1)) * plotWidth
        : 0;
    return (v / hi) * plotWidth;
  };
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`,
  );
  const ticks = log ? logTicks(lo, hi) : [0, hi / 4, hi / 2, (3 * hi) / 4, hi];
  for (const t of ticks) {
    const x = labelWidth + scale(t);
    out.push(
      `<line x1="${x.toFixed(1)}" y1="${top - 5}" x2="${x.toFixed(1)}" y2="${top + plotHeight}" stroke="#e5e7eb"/>`,
      `<text x="${x.toFixed(1)}" y="${top - 8}" text-anchor="middle" fill="#6b7280">${escapeXml(formatNumber(t))}</text>`,
    );
  }
  let y = top;
  for (const group of options.groups) {
    const bandHeight = group.bars.length * barHeight;
    out.push(
      `<text x="${labelWidth - 8}" y="${(y + bandHeight / 2 + 4).toFixed(1)}" text-anchor="end" font-weight="bold">${escapeXml(group.label)}</text>`,
    );
    for (const bar of group.bars) {
      const w = Number.isFinite(bar.value) ? Math.max(0, scale(bar.value)) : 0;
      const fill = bar.color ?? colorFor(seriesLabels, bar.label);
      out.push(
        `<rect x="${labelWidth}" y="${(y + 1).toFixed(1)}" width="${w.toFixed(1)}" height="${barHeight - 2}" fill="${fill}"><title>${escapeXml(`${bar.label}: ${formatNumber(bar.value)} ${options.unit}`)}</title></rect>`,
        `<text x="${(labelWidth + w + 4).toFixed(1)}" y="${(y + barHeight - 3).toFixed(1)}">${escapeXml(formatNumber(bar.value))}</text>`,
      );
      y += barHeight;
    }
    y += groupGap;
  }
  out.push(
    `<text x="${labelWidth + plotWidth / 2}" y="${top + plotHeight + 18}" text-anchor="middle" fill="#374151">${escapeXml(options.unit)}</text>`,
  );
  seriesLabels.forEach((label, i) => {
    const lx = 20 + (i % 3) * ((width - 40) / 3);
    const ly = top + plotHeight + 34 + Math.floor(i / 3) * 18;
    out.push(
      `<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/>`,
      `<text x="${lx + 14}" y="${ly}">${escapeXml(label)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** One line of a {@link logLogChart}. */
export interface Series {
  label: string;
  points: [number, number][];
}

/** Options of {@link logLogChart}. */
export interface LogLogOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  width?: number;
  height?: number;
}

/**
 * A line chart with logarithmic x and y axes (a power law is a straight line; its slope is the
 * exponent), as a standalone SVG document. Points with non-positive coordinates are dropped.
 */
export function logLogChart(options: LogLogOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const margin = {
    left: 70,
    right: 20,
    top: 40,
    bottom: 50 + 16 * Math.ceil(options.series.length / 2),
  };
  const series = options.series.map((s) => ({
    ...s,
    points: s.points.filter(([x, y]) => x > 0 && y > 0 && Number.isFinite(x) && Number.isFinite(y)),
  }));
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const xlo = xs.length ? Math.min(...xs) : 1;
  const xhi = xs.length ? Math.max(...xs) : 10;
  const ylo = ys.length ? 10 ** Math.floor(Math.log10(Math.min(...ys))) : 1;
  const yhi = ys.length ? 10 ** Math.ceil(Math.log10(Math.max(...ys))) : 10;
  const pw = width - margin.left - margin.right;
  const ph = height - margin.top - margin.bottom;
  const lx = (v: number) =>
    margin.left + ((Math.log(v) - Math.log(xlo)) / (Math.log(xhi) - Math.log(xlo) || 1)) * pw;
  const ly = (v: number) =>
    margin.top + ph - ((Math.log(v) - Math.log(ylo)) / (Math.log(yhi) - Math.log(ylo) || 1)) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`,
    `<rect x="${margin.left}" y="${margin.top}" width="${pw}" height="${ph}" fill="none" stroke="#9ca3af"/>`,
  ];
  for (const t of logTicks(ylo, yhi)) {
    const y = ly(t).toFixed(1);
    out.push(
      `<line x1="${margin.left}" y1="${y}" x2="${margin.left + pw}" y2="${y}" stroke="#e5e7eb"/>`,
      `<text x="${margin.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#6b7280">${escapeXml(formatNumber(t))}</text>`,
    );
  }
  for (const t of [...new Set(xs)].sort((a, b) => a - b)) {
    const x = lx(t).toFixed(1);
    out.push(
      `<line x1="${x}" y1="${margin.top}" x2="${x}" y2="${margin.top + ph}" stroke="#f3f4f6"/>`,
      `<text x="${x}" y="${margin.top + ph + 14}" text-anchor="middle" fill="#6b7280">${escapeXml(formatNumber(t))}</text>`,
    );
  }
  out.push(
    `<text x="${margin.left + pw / 2}" y="${margin.top + ph + 32}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text x="16" y="${margin.top + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${margin.top + ph / 2})">${escapeXml(options.yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const sorted = [...s.points].sort((a, b) => a[0] - b[0]);
    if (sorted.length > 1) {
      const d = sorted
        .map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${lx(x).toFixed(1)},${ly(y).toFixed(1)}`)
        .join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    }
    for (const [x, y] of sorted) {
      out.push(
        `<circle cx="${lx(x).toFixed(1)}" cy="${ly(y).toFixed(1)}" r="3" fill="${color}"><title>${escapeXml(`${s.label}: ${formatNumber(x)} → ${formatNumber(y)}`)}</title></circle>`,
      );
    }
    const legendX = margin.left + (i % 2) * (pw / 2);
    const legendY = margin.top + ph + 48 + Math.floor(i / 2) * 16;
    out.push(
      `<rect x="${legendX}" y="${legendY - 9}" width="10" height="10" fill="${color}"/>`,
      `<text x="${legendX + 14}" y="${legendY}">${escapeXml(s.label)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
