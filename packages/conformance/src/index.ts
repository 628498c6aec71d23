/**
 * @packageDocumentation
 * Testing helpers for recur backends: {@link describeConformance} registers the conformance
 * suite (vitest) that every `Backend` must pass, comparing it against a float64
 * reference. Needs `vitest` 2 or later (a peer dependency).
 */
export { type ConformanceOptions, DEFAULT_TOLERANCE, describeConformance } from './conformance.js';
export type { Tolerance } from './suite.js';
