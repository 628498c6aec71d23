/**
 * The part of vitest's API the conformance suite and the GPU checks use (describe, it, hooks,
 * expect with a few matchers), for running them in a browser page. The bundler aliases
 * `vitest` to this module; `runRegistered` then runs every registered test in order.
 */

type Body = () => void;

interface Suite {
  name: string;
  beforeAll: Body[];
  afterAll: Body[];
  items: (Suite | Test)[];
}

interface Test {
  name: string;
  body: Body;
  skip: boolean;
}

/** One test's outcome. */
export interface TestResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  error?: string;
  ms: number;
}

const root: Suite = { name: '', beforeAll: [], afterAll: [], items: [] };
let current = root;

export function describe(name: string, fn: () => void): void {
  const suite: Suite = { name, beforeAll: [], afterAll: [], items: [] };
  current.items.push(suite);
  const parent = current;
  current = suite;
  try {
    fn();
  } finally {
    current = parent;
  }
}
describe.skip = (name: string, _fn: () => void): void => it.skip(name, () => {});
describe.skipIf = (condition: unknown) =>
  condition ? (name: string, _fn: () => void) => it.skip(name, () => {}) : describe;

export function it(name: string, body: Body): void {
  current.items.push({ name, body, skip: false });
}
it.skip = (name: string, body: Body): void => {
  current.items.push({ name, body, skip: true });
};
it.runIf = (condition: unknown) => (condition ? it : it.skip);
export const test = it;

export function beforeAll(fn: Body): void {
  current.beforeAll.push(fn);
}
export function afterAll(fn: Body): void {
  current.afterAll.push(fn);
}

class AssertionError extends Error {
  override name = 'AssertionError';
}

function show(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) =>
    deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

function matchers(actual: unknown, message: string | undefined, negate: boolean) {
  const check = (pass: boolean, what: string) => {
    if (pass === negate)
      throw new AssertionError(
        `${message ? `${message}: ` : ''}expected ${show(actual)} ${negate ? 'not ' : ''}${what}`,
      );
  };
  return {
    toBe: (expected: unknown) => check(Object.is(actual, expected), `to be ${show(expected)}`),
    toEqual: (expected: unknown) =>
      check(deepEqual(actual, expected), `to equal ${show(expected)}`),
    toBeLessThan: (n: number) => check((actual as number) < n, `to be less than ${n}`),
    toBeLessThanOrEqual: (n: number) => check((actual as number) <= n, `to be ≤ ${n}`),
    toBeGreaterThan: (n: number) => check((actual as number) > n, `to be greater than ${n}`),
    toBeGreaterThanOrEqual: (n: number) => check((actual as number) >= n, `to be ≥ ${n}`),
    toBeCloseTo: (n: number, digits = 2) =>
      check(Math.abs((actual as number) - n) < 10 ** -digits / 2, `to be close to ${n}`),
    toBeNull: () => check(actual === null, 'to be null'),
    toBeInstanceOf: (type: new (...args: never[]) => unknown) =>
      check(actual instanceof type, `to be a ${type.name}`),
    toMatch: (pattern: RegExp) => check(pattern.test(String(actual)), `to match ${pattern}`),
    toHaveLength: (n: number) =>
      check((actual as { length: number }).length === n, `to have length ${n}`),
    toThrow: (pattern?: RegExp | (new (...args: never[]) => unknown)) => {
      let error: unknown = null;
      try {
        (actual as () => unknown)();
      } catch (e) {
        error = e;
      }
      const pass =
        error !== null &&
        (pattern === undefined ||
          (pattern instanceof RegExp
            ? pattern.test(String((error as Error).message))
            : error instanceof pattern));
      check(
        pass,
        `to throw ${pattern ?? ''} (threw ${error === null ? 'nothing' : show((error as Error).message)})`,
      );
    },
  };
}

export function expect(actual: unknown, message?: string) {
  return { ...matchers(actual, message, false), not: matchers(actual, message, true) };
}
expect.fail = (message: string): never => {
  throw new AssertionError(message);
};

/** Runs every registered test in order; `onResult` hears each outcome as it comes. */
export function runRegistered(onResult: (result: TestResult) => void = () => {}): TestResult[] {
  const results: TestResult[] = [];
  const report = (r: TestResult) => {
    results.push(r);
    onResult(r);
  };
  const run = (suite: Suite, prefix: string) => {
    const path = suite.name ? `${prefix}${suite.name} > ` : prefix;
    try {
      for (const hook of suite.beforeAll) hook();
    } catch (error) {
      report({
        name: `${path}(beforeAll)`,
        status: 'failed',
        error: String((error as Error).stack ?? error),
        ms: 0,
      });
      return;
    }
    for (const item of suite.items) {
      if ('items' in item) {
        run(item, path);
        continue;
      }
      const name = `${path}${item.name}`;
      if (item.skip) {
        report({ name, status: 'skipped', ms: 0 });
        continue;
      }
      const start = performance.now();
      try {
        item.body();
        report({ name, status: 'passed', ms: performance.now() - start });
      } catch (error) {
        const e = error as Error;
        report({
          name,
          status: 'failed',
          error: `${e.name}: ${e.message}`,
          ms: performance.now() - start,
        });
      }
    }
    for (const hook of suite.afterAll) {
      try {
        hook();
      } catch (error) {
        report({ name: `${path}(afterAll)`, status: 'failed', error: String(error), ms: 0 });
      }
    }
  };
  run(root, '');
  return results;
}
