import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

// The README's other snippets are fragments (they use a `model` defined elsewhere); the
// sections listed here are complete programs and run against the sources.
const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'recur-architectures-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the `ts` block of README section `heading` and returns what it logged. */
async function run(heading: string): Promise<string[]> {
  const section = readme.split(/^## /m).find((s) => s.startsWith(heading));
  const code = section?.match(/```ts\n([\s\S]*?)```/)?.[1];
  if (!code) throw new Error(`README has no ts block under "## ${heading}"`);
  const file = join(dir, `${heading.replace(/\W+/g, '-')}.ts`);
  writeFileSync(
    file,
    `${code.replaceAll("'@recur/architectures'", `'${join(here, 'index.ts')}'`)}\nexport {};\n`,
  );
  const logs: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logs.push(args.map(String).join(' '));
  });
  try {
    await import(file);
  } finally {
    spy.mockRestore();
  }
  return logs;
}

describe('README examples', () => {
  it('Time series: Forecaster trains and forecasts 20 steps with feedback', async () => {
    expect(await run('Time series: `Forecaster`')).toEqual(['40']);
  });
});
