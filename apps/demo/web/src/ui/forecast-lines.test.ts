import { describe, expect, it } from 'vitest';
import { forecastLines } from './forecast-lines.js';

describe('forecastLines', () => {
  it('puts the history before 0 s and the actual and forecast after it, joined at the last reading', () => {
    const lines = forecastLines({
      label: 'x',
      secondsPerStep: 5,
      history: [1, 2, 3],
      actual: [4, 5],
      forecast: [3.5, 4.5],
    });
    expect(lines.history).toEqual([
      [-10, 1],
      [-5, 2],
      [0, 3],
    ]);
    expect(lines.actual).toEqual([
      [0, 3],
      [5, 4],
      [10, 5],
    ]);
    expect(lines.forecast).toEqual([
      [0, 3],
      [5, 3.5],
      [10, 4.5],
    ]);
  });
});
