import { describe, expect, it } from 'vitest';
import { withBackend } from '../backends.js';
import { RecurError } from '../errors.js';
import { tensor } from '../ops/creation.js';
import { add } from '../ops/elementwise.js';
import { gpuBackendForTests } from '../testing/gpu.js';
import { createGpuBackend } from './gpu-backend.js';

const gpu = gpuBackendForTests();

/** Runs `fn` and returns what it threw (fails the test when it throws nothing). */
function thrown(fn: () => unknown): RecurError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RecurError);
    return error as RecurError;
  }
  throw new Error('expected an error');
}

/** gpu.js frames would mean a raw gpu.js error reached the caller. */
const GPU_JS_FRAME = /node_modules[\\/].*gpu\.js[\\/]src/;

describe.skipIf(!gpu)('gpu backend errors', () => {
  it('a context without float textures is refused with what to do', () => {
    const real = gpu!.context;
    // The real context, except that it reports no OES_texture_float / EXT_color_buffer_float.
    const noFloat = new Proxy(real, {
      get(target, prop) {
        if (prop === 'getExtension') {
          return (name: string) =>
            name === 'OES_texture_float' || name === 'EXT_color_buffer_float'
              ? null
              : target.getExtension(name);
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const error = thrown(() => createGpuBackend({ context: noFloat }));
    expect(error.code).toBe('BACKEND');
    expect(error.message).toMatch(
      /no float textures \(missing (OES_texture_float|EXT_color_buffer_float)\)/,
    );
    expect(error.message).toMatch(/CPU backend/);
  });

  it('a lost context gives a BACKEND error on the next op and on reads, not wrong numbers', () => {
    const doomed = createGpuBackend();
    withBackend(doomed, () => {
      const x = tensor([1, 2, 3]);
      expect(Array.from(add(x, 1).data())).toEqual([2, 3, 4]);
      const lose = doomed.context.getExtension('STACKGL_destroy_context') as {
        destroy(): void;
      } | null;
      if (lose) lose.destroy();
      else
        (
          doomed.context.getExtension('WEBGL_lose_context') as { loseContext(): void }
        ).loseContext();
      const opError = thrown(() => add(x, 1));
      expect(opError.code).toBe('BACKEND');
      expect(opError.message).toMatch(/context was lost/);
      expect(opError.stack ?? '').not.toMatch(GPU_JS_FRAME);
      const readError = thrown(() => x.data());
      expect(readError.message).toMatch(/context was lost/);
      expect(doomed.lostReason()).toMatch(/context was lost/);
      x.dispose(); // disposing after the loss is harmless
    });
  });

  it('a kernel gpu.js cannot compile is reported as a RecurError naming the op, not a gpu.js stack', () => {
    const x = withBackend(gpu!, () => tensor([1, 2]));
    const broken = {
      name: 'broken[2]',
      source: 'function (x0) {\n  return x0[this.thread.x] +;\n}',
      size: 2,
    };
    const error = thrown(() => gpu!.runProgram('brokenOp', broken, [x]));
    expect(error.code).toBe('BACKEND');
    expect(error.message).toMatch(/^brokenOp \(kernel broken\[2\]\): gpu\.js failed: /);
    expect(error.stack ?? '').not.toMatch(GPU_JS_FRAME);
    expect((error as Error & { cause?: unknown }).cause).toBeInstanceOf(Error);
    // The backend still works after a failed kernel.
    expect(Array.from(withBackend(gpu!, () => add(x, 1)).data())).toEqual([2, 3]);
  });

  it('a tensor too large for float indexing is refused', () => {
    const error = thrown(() => gpu!.fill([4097, 4097], 0));
    expect(error.code).toBe('RANGE');
    expect(error.message).toMatch(/up to 16777216 elements/);
  });
});
