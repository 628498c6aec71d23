import { describe, expect, it } from 'vitest';
import { barChart, escapeXml, formatNumber, logLogChart, logTicks } from './svg.js';

/** Widths of the bars: the rects that carry a tooltip. */
const widths = (svg: string): number[] =>
  [
    ...svg.matchAll(
      /<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="[^"]+"><title>/g,
    ),
  ].map((m) => Number(m[1]));

describe('SVG charts', () => {
  it('escapes markup in text', () => {
    expect(escapeXml('a<b & "c">')).toBe('a&lt;b &amp; &quot;c&quot;&gt;');
  });

  it('formats numbers compactly', () => {
    expect(formatNumber(123456)).toBe('123k');
    expect(formatNumber(2_500_000)).toBe('2.50M');
    expect(formatNumber(0.01234)).toBe('0.0123');
    expect(formatNumber(512)).toBe('512');
  });

  it('puts log ticks at 1, 2, 5 per decade inside the range', () => {
    expect(logTicks(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(logTicks(1, 1e6)).toEqual([1, 10, 100, 1000, 1e4, 1e5, 1e6]);
    expect(() => logTicks(0, 1)).toThrow(/0 < lo/);
  });

  it('draws one bar per series, longer for larger values, with escaped labels and a legend', () => {
    const svg = barChart({
      title: 'T <1>',
      unit: 'tokens/s',
      groups: [
        {
          label: 'LSTM S',
          bars: [
            { label: 'recur cpu', value: 10_000 },
            { label: 'tfjs wasm', value: 1_000 },
          ],
        },
        { label: 'LSTM M', bars: [{ label: 'recur cpu', value: 100 }] },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('T &lt;1&gt;');
    const [a, b, c] = widths(svg);
    expect(a!).toBeGreaterThan(b!);
    expect(b!).toBeGreaterThan(c!);
    // Log scale from 100 to 10,000: the middle value sits halfway.
    expect(b! - c!).toBeCloseTo(a! - b!, 0);
    // Legend: each series once.
    expect(svg.match(/>recur cpu</g)).toHaveLength(1);
    expect(svg.match(/>tfjs wasm</g)).toHaveLength(1);
  });

  it('widens the label column for long group labels', () => {
    const bars = [{ label: 'a', value: 1 }];
    const short = barChart({ title: 't', unit: 'u', groups: [{ label: 'S', bars }] });
    const long = barChart({
      title: 't',
      unit: 'u',
      groups: [{ label: 'matmul [1024×1024]·[1024×1024]', bars }],
    });
    const x = (svg: string) =>
      Number(
        /<rect x="([\d.]+)" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="[^"]+"><title>/.exec(
          svg,
        )![1],
      );
    expect(x(short)).toBe(120);
    expect(x(long)).toBeGreaterThan(200);
  });

  it('uses a linear axis on request', () => {
    const svg = barChart({
      title: 't',
      unit: 'u',
      log: false,
      groups: [
        {
          label: 'g',
          bars: [
            { label: 'a', value: 2 },
            { label: 'b', value: 1 },
          ],
        },
      ],
    });
    const [a, b] = widths(svg);
    expect(a! / b!).toBeCloseTo(2, 2);
  });

  it('draws a log-log line per series through its points, dropping non-positive ones', () => {
    const svg = logLogChart({
      title: 'scaling',
      xLabel: 'H',
      yLabel: 'ms',
      series: [
        {
          label: 'recur cpu vs H (k = 2.00)',
          points: [
            [64, 1],
            [128, 4],
            [256, 16],
          ],
        },
        {
          label: 'bad',
          points: [
            [0, 1],
            [2, -1],
          ],
        },
      ],
    });
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg.match(/<path d="M/g)).toHaveLength(1);
    // An exact power law is a straight line: equal steps in log x give equal steps in y.
    const ys = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(ys[0]! - ys[1]!).toBeCloseTo(ys[1]! - ys[2]!, 0);
    expect(svg).toContain('recur cpu vs H (k = 2.00)');
  });
});
