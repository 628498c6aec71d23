/** One line of a {@link logPlotSvg}: values for t = 1..T (non-finite or ≤ 0 values leave gaps). */
export interface Series {
  label: string;
  values: readonly number[];
  color: string;
  dashed?: boolean;
}

/** Escapes text for SVG/HTML. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const fmt = (x: number) => (Math.round(x * 10) / 10).toString();

/**
 * A line chart with a logarithmic y axis as a standalone SVG document (no dependencies): x is
 * the time step t = 1..T, y spans the finite positive values in whole powers of ten.
 */
export function logPlotSvg(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  width?: number;
  height?: number;
}): string {
  const { title, xLabel, yLabel, series, width = 760, height = 420 } = options;
  const margin = { left: 78, right: 190, top: 40, bottom: 52 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const T = Math.max(1, ...series.map((s) => s.values.length));
  const positive = series.flatMap((s) => s.values.filter((v) => Number.isFinite(v) && v > 0));
  let lo = positive.length ? Math.floor(Math.log10(Math.min(...positive))) : -1;
  let hi = positive.length ? Math.ceil(Math.log10(Math.max(...positive))) : 1;
  if (hi <= lo) hi = lo + 1;
  // At most ~10 labelled decades.
  const stride = Math.max(1, Math.ceil((hi - lo) / 10));
  lo = Math.floor(lo / stride) * stride;
  hi = Math.ceil(hi / stride) * stride;
  const x = (t: number) => margin.left + (T === 1 ? plotW / 2 : ((t - 1) / (T - 1)) * plotW);
  const y = (v: number) => margin.top + plotH - ((Math.log10(v) - lo) / (hi - lo)) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${margin.left}" y="24" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  );
  for (let e = lo; e <= hi; e += stride) {
    const yy = fmt(y(10 ** e));
    parts.push(
      `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${yy}" y2="${yy}" stroke="#e3e3e3"/>`,
      `<text x="${margin.left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle">1e${e}</text>`,
    );
  }
  const xStep =
    [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000].find((n) => T / n <= 10) ??
    Math.ceil(T / 10);
  const ticks = [
    1,
    ...Array.from({ length: Math.floor(T / xStep) }, (_, i) => (i + 1) * xStep),
  ].filter((t, i, all) => t <= T && all.indexOf(t) === i);
  for (const t of ticks) {
    parts.push(
      `<text x="${fmt(x(t))}" y="${margin.top + plotH + 18}" text-anchor="middle">${t}</text>`,
    );
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const runs: string[][] = [[]];
    s.values.forEach((v, k) => {
      if (Number.isFinite(v) && v > 0) runs[runs.length - 1]!.push(`${fmt(x(k + 1))},${fmt(y(v))}`);
      else if (runs[runs.length - 1]!.length > 0) runs.push([]);
    });
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    for (const run of runs) {
      if (run.length === 1)
        parts.push(
          `<circle cx="${run[0]!.split(',')[0]}" cy="${run[0]!.split(',')[1]}" r="2" fill="${s.color}"/>`,
        );
      else if (run.length > 1)
        parts.push(
          `<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${run.join(' ')}"/>`,
        );
    }
    const ly = margin.top + 14 + i * 20;
    const lx = margin.left + plotW + 14;
    parts.push(
      `<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${escapeXml(s.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** A standalone HTML page: a title, the SVG inline, a summary table and notes. */
export function htmlPage(options: {
  title: string;
  svg: string;
  headers: readonly string[];
  rows: readonly (readonly string[])[];
  notes: string;
  csv: string;
}): string {
  const { title, svg, headers, rows, notes, csv } = options;
  const th = headers.map((h) => `<th>${escapeXml(h)}</th>`).join('');
  const trs = rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeXml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; }
pre { background: #f6f6f6; padding: 0.5rem; max-height: 20rem; overflow: auto; }
</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
${svg.replace(/^<svg /, '<svg role="img" ')}
<table>
<thead><tr>${th}</tr></thead>
<tbody>
${trs}
</tbody>
</table>
<p>${escapeXml(notes)}</p>
<details><summary>Data (CSV)</summary><pre>${escapeXml(csv)}</pre></details>
</body>
</html>
`;
}
