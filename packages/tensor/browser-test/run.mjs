#!/usr/bin/env node
/**
 * Runs the GPU backend's tests (conformance suite, differential checks against the CPU
 * backend, leaks, kernel cache, errors) in headless Chromium on gpu.js's WebGL2
 * backend (SwiftShader when there is no GPU). Bundles browser-test/page.ts with esbuild, serves
 * it on 127.0.0.1, prints every failure and "N passed, M failed", saves a screenshot under
 * browser-test/artifacts/, and exits non-zero on any failure.
 *
 *   node browser-test/run.mjs            (CHROMIUM=/path/to/chrome to use another browser)
 *
 * It never downloads a browser: it drives the Chromium installed on the machine.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  // Outside CI a machine without Chromium skips, saying why (the test summary repeats the line).
  console.log(
    `[recur tensor browser tests] skipped: no Chromium at ${executablePath} (Debian: apt-get install chromium; or set CHROMIUM)`,
  );
  process.exit(/^(0|false)?$/i.test(process.env.CI ?? '') ? 0 : 1);
}
const timeoutMs = Number(process.env.BROWSER_TEST_TIMEOUT_MS ?? 600_000);

const bundled = await build({
  entryPoints: [join(here, 'page.ts')],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  alias: {
    vitest: join(here, 'vitest-shim.ts'),
    // @recur/conformance's test file imports the package by name: the sources, one engine.
    '@recur/tensor/testing/gpu': join(here, '../src/testing/gpu.ts'),
    '@recur/tensor/gpu': join(here, '../src/gpu/index.ts'),
    '@recur/tensor': join(here, '../src/index.ts'),
  },
  // The package says "sideEffects": false; the test files it imports register tests on import.
  ignoreAnnotations: true,
  write: false,
  logLevel: 'warning',
});
const script = bundled.outputFiles[0].text;
const html =
  '<!doctype html><meta charset="utf-8"><title>recur gpu backend</title><body><script src="/page.js"></script></body>';

const server = createServer((req, res) => {
  if (req.url === '/page.js') {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
    res.end(script);
  } else if (req.url === '/' || req.url === '/index.html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  } else {
    res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/`;

let browser;
let exitCode = 1;
try {
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--enable-unsafe-swiftshader',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    const text = message.text();
    if (text.startsWith('FAILED ')) console.log(`  ✗ ${text.slice(7)}`);
    else if (message.type() === 'error') console.log(`  [browser error] ${text}`);
  });
  await page.goto(url, { waitUntil: 'commit' });
  const handle = await page
    .waitForFunction(
      () => window.__recurResult ?? (document.body.dataset.crashed ? { crashed: true } : null),
      null,
      {
        timeout: timeoutMs,
        polling: 500,
      },
    )
    .catch((error) => {
      throw new Error(
        `the page did not finish within ${timeoutMs} ms (${error.message}); page errors: ${pageErrors.join('; ')}`,
      );
    });
  const result = await handle.jsonValue();
  const artifacts = join(here, 'artifacts');
  mkdirSync(artifacts, { recursive: true });
  const screenshot = join(artifacts, 'browser-test.png');
  await page.screenshot({ path: screenshot, fullPage: false });

  const { environment } = result;
  console.log(
    `browser: ${browser.version()}; gpu.js ${environment.kernelClass} on ${environment.renderer}`,
  );
  if (environment.error) console.log(`GPU backend did not start: ${environment.error}`);
  for (const error of pageErrors) console.log(`page error: ${error}`);
  for (const failure of result.failures) console.log(`FAIL ${failure.name}\n     ${failure.error}`);
  console.log(`screenshot: ${screenshot}`);
  console.log(
    `${result.passed} passed, ${result.failed} failed${result.skipped ? `, ${result.skipped} skipped` : ''} (${Math.round(result.ms)} ms)`,
  );
  const ok =
    result.failed === 0 && result.passed > 0 && !environment.error && pageErrors.length === 0;
  exitCode = ok ? 0 : 1;
} catch (error) {
  console.error(`browser test failed to run: ${error.message}`);
  console.log('0 passed, 1 failed');
} finally {
  await browser?.close();
  server.close();
}
process.exit(exitCode);
