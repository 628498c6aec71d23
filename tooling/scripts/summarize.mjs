// Adds up the vitest and custom-runner summaries in a test log and prints one closing line:
// "tests: N passed, N failed". Exits non-zero when anything failed or nothing ran.
import { readFileSync } from 'node:fs';

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const log = readFileSync(process.argv[2] ?? 'artifacts/test-output.log', 'utf8').replace(ANSI, '');
let passed = 0;
let failed = 0;
let skipped = 0;
// vitest: "      Tests  1 failed | 20 passed | 2 skipped (23)"
for (const match of log.matchAll(/^\S*\s*Tests\s+(.+)\(\d+\)\s*$/gm)) {
  const body = match[1] ?? '';
  passed += Number(/(\d+) passed/.exec(body)?.[1] ?? 0);
  failed += Number(/(\d+) failed/.exec(body)?.[1] ?? 0);
  skipped += Number(/(\d+) skipped/.exec(body)?.[1] ?? 0);
}
// our own runners (browser tests): "browser: 12 passed, 0 failed"
for (const match of log.matchAll(/^\S*\s*\w+-?\w*: (\d+) passed, (\d+) failed\s*$/gm)) {
  passed += Number(match[1]);
  failed += Number(match[2]);
}
// suites that could not run on this machine print "[recur gpu tests] skipped: <why>": one line each
const skippedSuites = new Set();
for (const match of log.matchAll(/\[recur ([\w -]+ tests)\] skipped: (.+)$/gm)) {
  skippedSuites.add(`skipped ${match[1]}: ${match[2].trim()}`);
}
for (const line of skippedSuites) console.log(line);
// a runner that could not start at all (no browser) counts as one skipped test: never silently absent
skipped += [...log.matchAll(/^\S*\s*\[recur [\w -]+ browser tests\] skipped: /gm)].length;
const failedSteps = [...log.matchAll(/^FAILED: (.+)$/gm)].map((m) => m[1]);
if (failedSteps.length) console.log(`failed steps: ${failedSteps.join('; ')}`);
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 || failedSteps.length > 0 ? 1 : 0);
