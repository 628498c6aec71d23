import { readFileSync } from 'node:fs';

/**
 * The version of @recur/cli, read from its package.json when asked: `../package.json` from
 * `src/` (tests) and from `dist/` (the published bin) alike.
 */
export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return String((manifest as { version?: unknown }).version);
}
