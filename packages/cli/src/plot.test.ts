import { describe, expect, it } from 'vitest';
import { escapeXml, htmlPage, logPlotSvg } from './plot.js';

describe('logPlotSvg', () => {
  it('draws one polyline per run of finite positive values, on decades that cover them', () => {
    const svg = logPlotSvg({
      title: 'a < b',
      xLabel: 't',
      yLabel: 'norm',
      series: [
        { label: 'one', values: [1, 10, 100], color: 'red' },
        { label: 'gappy', values: [0.5, Number.NaN, 2, 3, 0, 4], color: 'blue', dashed: true },
      ],
    });
    expect(svg.match(/<polyline /g)?.length).toBe(2); // [1,10,100] and [2,3]
    expect(svg.match(/<circle /g)?.length).toBe(2); // lone points 0.5 and 4
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg).toContain('>1e-1<');
    expect(svg).toContain('>1e2<');
    expect(svg).toContain('a &#60; b');
    expect(svg).not.toContain('NaN');
  });
});

describe('htmlPage', () => {
  it('escapes every cell and embeds the SVG', () => {
    const page = htmlPage({
      title: 'T',
      svg: '<svg x="1"></svg>',
      headers: ['h'],
      rows: [['<b>']],
      notes: 'n & m',
      csv: 'a,b',
    });
    expect(page).toContain('<svg role="img" x="1"></svg>');
    expect(page).toContain('<td>&#60;b&#62;</td>');
    expect(page).toContain('n &#38; m');
    expect(escapeXml(`"'`)).toBe('&#34;&#39;');
  });
});
