import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recur, recurJson, tempDir } from '../testing/run-recur.js';
import { diagnoseCell } from './diagnose.js';

const settings = { T: 60, H: 32, B: 4, scale: 1, forgetBias: 1, seed: 1 };

describe('diagnoseCell', () => {
  it('small recurrent weights: ‖∂L/∂a⟨t⟩‖ decays exponentially → vanishing', () => {
    const report = diagnoseCell('rnn', { ...settings, scale: 0.5 });
    expect(report.verdict).toBe('vanishing');
    expect(report.ratio).toBeLessThan(1e-6);
    expect(report.r2).toBeGreaterThan(0.9);
  });

  it('large recurrent weights: ‖∂L/∂a⟨t⟩‖ grows back in time → exploding', () => {
    const report = diagnoseCell('rnn', { ...settings, scale: 4 });
    expect(report.verdict).toBe('exploding');
    expect(report.ratio).toBeGreaterThan(100);
  });

  it("the LSTM's forget gate decides: open (bias 5) keeps ‖∂L/∂c⟨t⟩‖, closed (bias 0) loses it", () => {
    const small = { ...settings, scale: 0.1 }; // small recurrent weights, as in @recur/clipping's tests
    const open = diagnoseCell('lstm', { ...small, forgetBias: 5 });
    expect(open.cell!.norms).toHaveLength(60);
    expect(open.cell!.verdict).toBe('healthy');
    expect(open.cell!.ratio).toBeGreaterThan(0.1);
    const closed = diagnoseCell('lstm', { ...small, forgetBias: 0 });
    expect(closed.cell!.verdict).toBe('vanishing');
    expect(closed.cell!.ratio).toBeLessThan(1e-6);
  });
});

describe('recur diagnose', () => {
  it('compares cells side by side and writes an SVG plot with the verdicts', async () => {
    const out = join(tempDir(), 'flow.svg');
    const json = await recurJson(
      'diagnose',
      '--cell',
      'rnn,lstm',
      '--seq-len',
      '40',
      '--hidden',
      '16',
      '--out',
      out,
    );
    const cells = json.cells as {
      cell: string;
      hidden: { verdict: string; norms: number[] };
      cellState?: { verdict: string };
    }[];
    expect(cells.map((c) => c.cell)).toEqual(['rnn', 'lstm']);
    expect(cells[0]!.hidden.norms).toHaveLength(40);
    expect(cells[0]!.cellState).toBeUndefined();
    expect(cells[1]!.cellState).toBeDefined();
    const svg = readFileSync(out, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)?.length).toBe(3); // RNN a, LSTM a, LSTM c
    expect(svg).toContain(`RNN a: ${cells[0]!.hidden.verdict}`);
    expect(svg).toContain(`LSTM c: ${cells[1]!.cellState!.verdict}`);
  });

  it('writes an HTML page with the summary table and the data', async () => {
    const out = join(tempDir(), 'flow.html');
    const run = await recur(
      'diagnose',
      '--cell',
      'gru',
      '--seq-len',
      '20',
      '--hidden',
      '8',
      '--out',
      out,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/GRU ‖∂L\/∂a⟨t⟩‖ +(vanishing|healthy|exploding)/);
    expect(run.stdout).toContain(`Plot: ${out}`);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<!doctype html>');
    expect(html).toContain('<svg role="img"');
    expect(html).toContain('<th>verdict</th>');
    expect(html).toMatch(/<pre>t,GRU a\n1,/);
  });

  it('refuses an unknown cell', async () => {
    const run = await recur('diagnose', '--cell', 'rnn,transformer');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "recur diagnose: --cell must be a comma-separated list of rnn, irnn, lstm, gru, mgu (or all); got 'transformer'\n",
    );
  });
});
