import { describe, expect, it } from 'vitest';
import { baselineStep, describeTrace, isFlat, traceSteps } from './memory-trace.js';

/** A fake model whose live counts follow the given functions of the step number. */
function fake(tensors: (step: number) => number, textures?: (step: number) => number) {
  let step = 0;
  return {
    trainStep: () => {
      step++;
    },
    liveTensors: () => ({ tensors: tensors(step), textures: textures?.(step) }),
  };
}

describe('memory trace', () => {
  it('takes the baseline a tenth of the way in, never before step 2', () => {
    expect(baselineStep(1)).toBe(1);
    expect(baselineStep(20)).toBe(2);
    expect(baselineStep(1000)).toBe(100);
  });

  it('is flat when counts settle after compilation on the first steps', () => {
    const trace = traceSteps(
      fake(
        () => 22,
        (s) => (s === 1 ? 133 : 138),
      ),
      20,
      60,
    );
    expect(trace).toMatchObject({
      steps: 20,
      baselineStep: 2,
      tensorsAtBaseline: 22,
      tensorsAfterLast: 22,
      texturesAfterFirst: 133,
      texturesAtBaseline: 138,
      texturesAfterLast: 138,
    });
    expect(isFlat(trace)).toBe(true);
    expect(describeTrace(trace)).toBe(
      'live tensors flat (22), GPU textures flat (138; 133 after step 1) from step 2 to 20',
    );
  });

  it('reports a leak of tensors or of textures', () => {
    const tensors = traceSteps(
      fake((s) => 10 + s),
      30,
      60,
    );
    expect(isFlat(tensors)).toBe(false);
    expect(tensors.tensorsMax).toBe(40);
    expect(describeTrace(tensors)).toContain('LEAK: live tensors 13 → 40');
    const textures = traceSteps(
      fake(
        () => 5,
        (s) => s,
      ),
      10,
      60,
    );
    expect(isFlat(textures)).toBe(false);
    expect(describeTrace(textures)).toContain('LEAK: GPU textures 2 → 10');
  });

  it('stops at the time cap and says how many steps ran', () => {
    const trace = traceSteps(
      fake(() => 1),
      1_000_000,
      0,
    );
    expect(trace.steps).toBe(1);
    expect(trace.baselineStep).toBe(1);
  });
});
