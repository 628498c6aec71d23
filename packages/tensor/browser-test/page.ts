/**
 * The browser test page: the GPU test files of src/gpu (the differential checks against the
 * CPU backend, leaks, kernel cache, errors) and the conformance suite of @recur/conformance run
 * on gpu.js's WebGL2 backend, through a small stand-in for vitest's API. The conformance file
 * imports `@recur/tensor…`, which the bundle maps to these sources (run.mjs), so the page holds
 * one copy of the engine.
 */
import '../../conformance/src/gpu-backend.gpu.test.js';
import '../src/gpu/gpu-vs-cpu.gpu.test.js';
import '../src/gpu/leak.gpu.test.js';
import '../src/gpu/kernel-cache.gpu.test.js';
import '../src/gpu/errors.gpu.test.js';
import '../src/gpu/use-backend.gpu.test.js';
import { createGpuBackend } from '../src/gpu/index.js';
import { runRegistered, type TestResult } from './vitest-shim.js';

interface PageResult {
  passed: number;
  failed: number;
  skipped: number;
  failures: { name: string; error: string }[];
  environment: { kernelClass: string; renderer: string; error?: string };
  ms: number;
}

declare global {
  interface Window {
    __recurResult?: PageResult;
  }
}

function describeEnvironment(): PageResult['environment'] {
  try {
    const gpu = createGpuBackend();
    const renderer = gpu.renderer;
    const kernelClass = gpu.kernelClass;
    gpu.destroy();
    return { kernelClass, renderer };
  } catch (error) {
    return { kernelClass: 'none', renderer: 'none', error: (error as Error).message };
  }
}

function render(result: PageResult, results: TestResult[]): void {
  const body = document.body;
  body.style.font = '12px monospace';
  const head = document.createElement('h1');
  head.textContent = `recur gpu backend in ${navigator.userAgent.match(/(HeadlessChrome|Chrome|Firefox|Safari)\/[\d.]+/)?.[0] ?? 'a browser'}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`;
  head.style.color = result.failed || !result.passed ? '#b00' : '#070';
  const env = document.createElement('p');
  env.textContent = `gpu.js ${result.environment.kernelClass} on ${result.environment.renderer}${result.environment.error ? ` — ${result.environment.error}` : ''}; ${Math.round(result.ms)} ms`;
  const list = document.createElement('ol');
  for (const r of results) {
    const item = document.createElement('li');
    item.textContent = `${r.status === 'passed' ? '✓' : r.status === 'failed' ? '✗' : '–'} ${r.name}${r.error ? ` — ${r.error}` : ''}`;
    item.style.color = r.status === 'failed' ? '#b00' : r.status === 'skipped' ? '#888' : '#222';
    list.append(item);
  }
  body.append(head, env, list);
}

function main(): void {
  const start = performance.now();
  const environment = describeEnvironment();
  const results = runRegistered((r) => {
    console.log(`${r.status.toUpperCase()} ${r.name}${r.error ? ` — ${r.error}` : ''}`);
  });
  const count = (status: TestResult['status']) => results.filter((r) => r.status === status).length;
  const result: PageResult = {
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    failures: results
      .filter((r) => r.status === 'failed')
      .map((r) => ({ name: r.name, error: r.error ?? '' })),
    environment,
    ms: performance.now() - start,
  };
  render(result, results);
  window.__recurResult = result;
}

// Let the page paint first; the suite then runs synchronously.
window.addEventListener('load', () => setTimeout(main, 0));
