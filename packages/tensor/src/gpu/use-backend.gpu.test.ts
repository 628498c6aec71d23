import { afterAll, describe, expect, it } from 'vitest';
import { getBackend, setBackend, toBackend } from '../backends.js';
import { RecurError } from '../errors.js';
import { tensor } from '../ops/creation.js';
import { mul } from '../ops/elementwise.js';
import type { GpuBackend } from './gpu-backend.js';
import { gpuBackendForTests } from './gpu-test-env.js';
import { useBackend } from './use-backend.js';

// Only to learn whether this machine can run the GPU backend at all.
const probe = gpuBackendForTests();
probe?.destroy();

describe.skipIf(!probe)('useBackend', () => {
  afterAll(() => {
    setBackend('cpu');
  });

  it("'gpu' registers the GPU backend as 'gpu', makes it active, and reuses it", () => {
    const backend = useBackend('gpu') as GpuBackend;
    expect(backend.name).toBe('gpu');
    expect(getBackend()).toBe(backend);
    const x = tensor([1, 2, 3]);
    expect(x.backend).toBe(backend);
    expect(Array.from(mul(x, 2).data())).toEqual([2, 4, 6]);
    expect(useBackend('gpu')).toBe(backend);
    // Registered under its name: toBackend and setBackend find it.
    setBackend('cpu');
    const onCpu = tensor([4, 5]);
    const moved = toBackend(onCpu, 'gpu');
    expect(moved.backend).toBe(backend);
    expect(Array.from(moved.data())).toEqual([4, 5]);
    for (const t of [x, onCpu, moved]) t.dispose();
  });

  it("'auto' takes the GPU when a context can be created, with no notice", () => {
    const notices: string[] = [];
    const backend = useBackend('auto', { notice: (m) => notices.push(m) });
    expect(backend.name).toBe('gpu');
    expect(notices).toEqual([]);
  });

  it("'cpu' switches back; a destroyed GPU backend is replaced on the next 'gpu'", () => {
    const first = useBackend('gpu') as GpuBackend;
    expect(useBackend('cpu').name).toBe('cpu');
    first.destroy();
    const second = useBackend('gpu') as GpuBackend;
    expect(second).not.toBe(first);
    expect(second.lostReason()).toBeNull();
  });

  it('rejects an unknown choice', () => {
    expect(() => useBackend('webgpu' as 'gpu')).toThrow(RecurError);
    expect(() => useBackend('webgpu' as 'gpu')).toThrow(
      /choice must be 'cpu', 'gpu' or 'auto', got "webgpu"/,
    );
  });
});
