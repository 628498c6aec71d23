#!/usr/bin/env node
/**
 * End-to-end test of the web demo in headless Chromium:
 *
 * 1. builds the demo with Vite into dist/web/ (skip with --no-build or E2E_SKIP_BUILD=1);
 * 2. serves the static build on 127.0.0.1 (a random port);
 * 3. drives the page like a user — the Moby Dick preset, a small model, backend GPU — and checks
 *    that both workers train on gpu.js's WebGL2 backend, that the loss falls, that live tensors
 *    stay flat from step to step, and that the loss chart, the gradient-flow heatmap and the
 *    samples render;
 * 4. trains the same runs on the CPU backend and checks that the losses agree with the GPU's;
 * 5. trains the forecaster preset (sensor readings, CPU) and checks its forecast-vs-actual plot;
 *    checks that Stop stops a long run, that `auto` on SwiftShader (a software renderer, far
 *    slower than the CPU) takes the CPU backend and shows why, that at 420 px wide nothing
 *    overflows the page and no menu cuts its text, and that without WebGL (a second browser with
 *    the GPU disabled) asking for the GPU falls back to the CPU backend and says why;
 * 6. saves screenshots under e2e/artifacts/ and prints "e2e: N passed, M failed" (exit code 1
 *    on any failure).
 *
 *   node e2e/run.mjs [--no-build]        (CHROMIUM=/path/to/chrome to use another browser)
 *
 * It never downloads a browser: it drives the Chromium installed on the machine
 * (/usr/bin/chromium by default; SwiftShader gives WebGL2 without a GPU).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const demo = join(here, '..');
const site = join(demo, 'dist', 'web');
const artifacts = join(here, 'artifacts');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  // Outside CI a machine without Chromium skips, saying why (the test summary repeats the line).
  console.log(
    `[recur demo browser tests] skipped: no Chromium at ${executablePath} (Debian: apt-get install chromium; or set CHROMIUM)`,
  );
  process.exit(/^(0|false)?$/i.test(process.env.CI ?? '') ? 0 : 1);
}
const runTimeoutMs = Number(process.env.E2E_RUN_TIMEOUT_MS ?? 150_000);
const skipBuild = process.argv.includes('--no-build') || process.env.E2E_SKIP_BUILD === '1';

/** The small model every run uses: fast enough for SwiftShader on a shared 2-core machine. */
const MODEL = { hiddenSize: 32, batchSize: 8, sequenceLength: 16 };
const STEPS = 8;

const results = [];
function check(name, ok, detail = '') {
  results.push({ name, ok: Boolean(ok) });
  console.log(`  ${ok ? '✓' : '✗'} ${name}${detail ? ` — ${detail}` : ''}`);
}

const started = Date.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

if (!skipBuild) {
  const { build } = await import('vite');
  const t0 = Date.now();
  await build({ configFile: join(demo, 'vite.config.ts'), logLevel: 'warn' });
  console.log(`built dist/web in ${seconds(Date.now() - t0)}`);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
};

/** A static file server for dist/web (no directory listings, nothing outside it). */
const server = createServer(async (request, response) => {
  const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
  const file = normalize(join(site, path.endsWith('/') ? `${path}index.html` : path));
  if (!file.startsWith(site + sep)) {
    response.writeHead(403).end();
    return;
  }
  try {
    const body = await readFile(file);
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

/** Sets the panels' model size, the shared backend and step count, and clicks Train both. */
async function train(page, backend, steps) {
  await page.selectOption('#backend', backend);
  await page.fill('#steps', String(steps));
  for (const panel of ['A', 'B']) {
    for (const [name, value] of Object.entries(MODEL)) {
      await page.fill(`.panel[data-panel="${panel}"] input[name="${name}"]`, String(value));
    }
  }
  const t0 = Date.now();
  await page.click('#train');
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('.panel')].every((p) =>
        ['done', 'stopped', 'error'].includes(p.dataset.state ?? ''),
      ),
    null,
    { timeout: runTimeoutMs, polling: 250 },
  );
  const wall = Date.now() - t0;
  const panels = await page.evaluate(() =>
    window.recurDemo.panels.map((panel) => {
      const root = panel.element;
      const fills = new Set(
        [...root.querySelectorAll('svg.heatmap rect.cell')].map((r) => r.getAttribute('fill')),
      );
      const main = root.querySelector('svg.loss-chart polyline.main');
      const box = root.querySelector('svg.loss-chart').getBoundingClientRect();
      return {
        name: panel.name,
        state: root.dataset.state,
        error: root.dataset.error ?? '',
        backend: root.dataset.backend,
        status: [...root.querySelectorAll('.status div')].map((d) => d.textContent).join('\n'),
        losses: panel.losses.map(([, loss]) => loss),
        tensorCounts: panel.tensorCounts,
        stepMilliseconds: panel.stepMilliseconds,
        flowRows: Number(root.dataset.flowRows ?? 0),
        cells: root.querySelectorAll('svg.heatmap rect.cell').length,
        distinctFills: fills.size,
        linePoints: main ? main.getAttribute('points').trim().split(/\s+/).length : 0,
        chartSize: [box.width, box.height],
        sample: root.querySelector('.sample').textContent,
      };
    }),
  );
  return { wall, panels };
}

/** "first step X ms, then Y ms (median)": the first step compiles the GPU kernels. */
function timing(milliseconds) {
  const rest = milliseconds.slice(1).sort((a, b) => a - b);
  const median = rest.length ? rest[Math.floor(rest.length / 2)] : Number.NaN;
  return `first step ${Math.round(milliseconds[0])} ms, then ${Math.round(median)} ms/step (median)`;
}

const ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

let browser;
let noGpuBrowser;
try {
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [...ARGS, '--enable-unsafe-swiftshader'],
  });
  mkdirSync(artifacts, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });

  console.log(`browser: Chromium ${browser.version()}; page ${url}`);
  await page.goto(url);
  await page.waitForSelector('.panel[data-panel="B"]');
  check(
    'the page loads with two panels and the comparison presets',
    (await page.locator('.panel').count()) === 2 &&
      (await page.locator('#presets button').count()) >= 3,
  );
  await page.click('#presets button[data-preset="moby-dick"]');
  const cells = await page
    .locator('.panel select[name="cell"]')
    .evaluateAll((s) => s.map((e) => e.value));
  check('the Moby Dick preset sets RNN vs LSTM', cells.join() === 'rnn,lstm', cells.join(' vs '));

  // --- GPU ---
  const gpu = await train(page, 'gpu', STEPS);
  await page.screenshot({ path: join(artifacts, 'demo-gpu.png'), fullPage: true });
  console.log(`GPU run: ${seconds(gpu.wall)} for ${STEPS} steps in both panels at once`);
  for (const p of gpu.panels) {
    const label = `GPU run ${p.name}`;
    console.log(`  ${label}: ${p.status.replace(/\n/g, ' | ')}`);
    check(`${label} finished without error`, p.state === 'done' && !p.error, p.error || p.state);
    check(
      `${label} trained on the GPU backend (WebGL2 in the worker)`,
      p.backend === 'gpu' && /WebGL2/.test(p.status),
      p.status.split('\n')[0],
    );
    const [first, last] = [p.losses[0], p.losses.at(-1)];
    check(
      `${label}: ${STEPS} losses, all finite, and the loss falls by more than 0.25 nats`,
      p.losses.length === STEPS && p.losses.every(Number.isFinite) && first - last > 0.25,
      `${first?.toFixed(3)} → ${last?.toFixed(3)}`,
    );
    check(
      `${label}: live tensors flat from step to step`,
      p.tensorCounts.length === STEPS && p.tensorCounts.every((n) => n === p.tensorCounts[0]),
      p.tensorCounts.join(','),
    );
    check(
      `${label}: the loss chart has a line of ${STEPS} points`,
      p.linePoints === STEPS && p.chartSize[0] > 100 && p.chartSize[1] > 40,
      `${p.linePoints} points, ${p.chartSize.map(Math.round).join('×')} px`,
    );
    check(
      `${label}: the heatmap has one cell per (measurement, time step), in several colours`,
      p.flowRows >= 2 && p.cells === p.flowRows * MODEL.sequenceLength && p.distinctFills > 3,
      `${p.flowRows} rows × ${MODEL.sequenceLength} steps = ${p.cells} cells, ${p.distinctFills} colours`,
    );
    check(
      `${label}: a generated sample is shown`,
      p.sample.startsWith('Call me ') && p.sample.length > 40,
      JSON.stringify(p.sample.slice(0, 60)),
    );
  }

  // --- CPU: the same runs, the same numbers ---
  const cpu = await train(page, 'cpu', STEPS);
  await page.screenshot({ path: join(artifacts, 'demo-cpu.png'), fullPage: true });
  console.log(`CPU run: ${seconds(cpu.wall)} for ${STEPS} steps in both panels at once`);
  cpu.panels.forEach((p, i) => {
    const label = `CPU run ${p.name}`;
    const g = gpu.panels[i];
    check(
      `${label} finished on the CPU backend`,
      p.state === 'done' && p.backend === 'cpu',
      p.error || p.state,
    );
    const diff = Math.max(
      ...p.losses.map((loss, s) => Math.abs(loss - (g.losses[s] ?? Number.NaN))),
    );
    check(
      `${label}: every step's loss equals the GPU run's within 1e-3`,
      p.losses.length === STEPS && diff <= 1e-3,
      `max |Δ| = ${diff.toExponential(2)}`,
    );
    console.log(
      `  run ${p.name} timing — GPU: ${timing(g.stepMilliseconds)}; CPU: ${timing(p.stepMilliseconds)}`,
    );
  });

  // --- Stop ---
  await page.selectOption('#backend', 'cpu');
  await page.fill('#steps', '100000');
  await page.click('#train');
  await page.waitForFunction(
    () => window.recurDemo.panels.every((p) => p.losses.length >= 2),
    null,
    { timeout: 60_000 },
  );
  // Two workers training flat out on a 2-core machine leave the page's main thread little CPU:
  // click through the page's own event loop, with room to wait.
  await page.evaluate(() => document.querySelector('#stop').click());
  await page.waitForFunction(
    () => window.recurDemo.panels.every((p) => p.state === 'stopped'),
    null,
    { timeout: 120_000 },
  );
  const stopped = await page.evaluate(() => window.recurDemo.panels.map((p) => p.losses.length));
  check(
    'Stop ends both runs early',
    stopped.every((n) => n >= 2 && n < 100_000),
    `after ${stopped.join(' and ')} steps`,
  );

  // --- The other two designs on the GPU: encoder–decoder (A) and captioner (B) ---
  await page.click('#presets button[data-preset="translation"]');
  await page.selectOption('.panel[data-panel="B"] select[name="architecture"]', 'caption');
  const designs = await train(page, 'gpu', 4);
  await page.screenshot({ path: join(artifacts, 'demo-seq2seq-caption.png'), fullPage: true });
  for (const [p, pattern, what] of [
    [designs.panels[0], /^\S.* → .*[✓✗]/, 'an encoder–decoder translates dates'],
    [designs.panels[1], /^image of “\d+” → “\d*” [✓✗]/, 'a captioner captions digit images'],
  ]) {
    check(
      `GPU run ${p.name}: ${what} — finite losses, a heatmap, held-out samples`,
      p.state === 'done' &&
        p.backend === 'gpu' &&
        p.losses.length === 4 &&
        p.losses.every(Number.isFinite) &&
        p.flowRows >= 1 &&
        p.cells > 0 &&
        pattern.test(p.sample),
      `${p.error || p.state}; ${JSON.stringify(p.sample.split('\n')[0]?.slice(0, 60))}`,
    );
  }

  // --- The forecaster on the sensor readings (CPU): forecast vs actual plotted ---
  await page.click('#presets button[data-preset="forecast"]');
  const forecastRun = await train(page, 'cpu', 6);
  const plots = await page.evaluate(() =>
    window.recurDemo.panels.map((panel) => {
      const root = panel.element;
      const svg = root.querySelector('svg.forecast-plot');
      const box = svg.getBoundingClientRect();
      const points = (name) =>
        svg.querySelector(`polyline.${name}`)?.getAttribute('points')?.trim().split(/\s+/).length ??
        0;
      return {
        visible: !svg.hasAttribute('hidden') && box.width > 100 && box.height > 40,
        steps: Number(root.dataset.forecastSteps ?? 0),
        history: points('history'),
        actual: points('actual'),
        forecast: points('forecast'),
        label: svg.querySelector('.axes')?.textContent ?? '',
      };
    }),
  );
  await page.screenshot({ path: join(artifacts, 'demo-forecast.png'), fullPage: true });
  forecastRun.panels.forEach((p, i) => {
    const plot = plots[i];
    check(
      `forecast run ${p.name}: a forecaster trains on the sensor readings, finite losses, flat tensors`,
      p.state === 'done' &&
        p.losses.length === 6 &&
        p.losses.every(Number.isFinite) &&
        p.tensorCounts.every((n) => n === p.tensorCounts[0]) &&
        /^validation MSE \(z-scores\): forecaster \d/.test(p.sample),
      `${p.error || p.state}; ${JSON.stringify(p.sample.split('\n')[0]?.slice(0, 80))}`,
    );
    check(
      `forecast run ${p.name}: the plot shows ${MODEL.sequenceLength} readings, then 36 steps of forecast beside the actual ones`,
      plot.visible &&
        plot.steps === 36 &&
        plot.history === MODEL.sequenceLength &&
        plot.actual === 37 &&
        plot.forecast === 37 &&
        /temperature \(°C\)/.test(plot.label),
      JSON.stringify(plot),
    );
  });

  // --- auto on SwiftShader, in a 420 px wide window ---
  // SwiftShader is a software renderer, far slower than the CPU backend: auto must not take it.
  const narrow = await browser.newPage({ viewport: { width: 420, height: 900 } });
  narrow.on('pageerror', (error) => pageErrors.push(error.message));
  await narrow.goto(`${url}?preset=moby-dick`);
  await narrow.waitForSelector('.panel[data-panel="B"]');
  const auto = await train(narrow, 'auto', STEPS);
  console.log(`auto run: ${seconds(auto.wall)} for ${STEPS} steps in both panels at once`);
  auto.panels.forEach((p, i) => {
    check(
      `auto run ${p.name} on SwiftShader takes the CPU backend and says why`,
      p.state === 'done' &&
        p.backend === 'cpu' &&
        /the GPU is a software renderer \(SwiftShader: .*SwiftShader.*\)/.test(p.status),
      p.status.split('\n')[0],
    );
    console.log(
      `  run ${p.name} timing — auto (CPU): ${timing(p.stepMilliseconds)}; explicit GPU (SwiftShader): ${timing(gpu.panels[i].stepMilliseconds)}`,
    );
  });
  const notices = await narrow.evaluate(() =>
    [...document.querySelectorAll('.status div')]
      .filter((d) => /software renderer/.test(d.textContent ?? ''))
      .map((d) => {
        const box = d.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && box.left >= 0 && box.right <= innerWidth;
      }),
  );
  check(
    'the software-renderer notice is visible in both panels, within the window',
    notices.length === 2 && notices.every(Boolean),
    `${notices.length} notices`,
  );
  await narrow.screenshot({ path: join(artifacts, 'demo-420px.png'), fullPage: true });
  const layout = await narrow.evaluate(() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const name = (e) =>
      `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ')[0]}` : ''}`;
    const overflowing = [...document.body.querySelectorAll('*')]
      .filter((e) => e.getBoundingClientRect().right > width + 0.5)
      .map((e) => `${name(e)} (right edge ${Math.round(e.getBoundingClientRect().right)} px)`);
    return { scrollWidth: root.scrollWidth, clientWidth: width, overflowing };
  });
  check(
    'at 420 px the page does not scroll sideways and no element crosses its right edge',
    layout.scrollWidth <= layout.clientWidth && layout.overflowing.length === 0,
    `scrollWidth ${layout.scrollWidth}, clientWidth ${layout.clientWidth}${layout.overflowing.length ? `; ${layout.overflowing.slice(0, 5).join(', ')}` : ''}`,
  );
  // A menu is cut when it is narrower than it would be sized to show its longest entry.
  const cutMenus = [];
  const architectures = await narrow
    .locator('.panel[data-panel="A"] select[name="architecture"] option')
    .evaluateAll((options) => options.map((o) => o.value));
  for (const architecture of architectures) {
    await narrow.selectOption('.panel[data-panel="A"] select[name="architecture"]', architecture);
    const cut = await narrow.evaluate(() =>
      [...document.querySelectorAll('select')].flatMap((select) => {
        const natural = select.cloneNode(true);
        Object.assign(natural.style, { width: 'auto', minWidth: '0', position: 'absolute' });
        select.after(natural);
        const needed = natural.getBoundingClientRect().width;
        natural.remove();
        const width = select.getBoundingClientRect().width;
        return width + 0.5 < needed
          ? [`${select.name || select.id} ${Math.round(width)} < ${Math.round(needed)} px`]
          : [];
      }),
    );
    cutMenus.push(...cut.map((c) => `${architecture}: ${c}`));
  }
  check(
    "at 420 px every menu (the dataset menu for each architecture) shows its longest entry's whole text",
    cutMenus.length === 0,
    cutMenus.length ? [...new Set(cutMenus)].join('; ') : `${architectures.length} architectures`,
  );

  check('no page or worker errors', pageErrors.length === 0, pageErrors.join('; '));

  // --- No WebGL: asking for the GPU falls back to the CPU and says why ---
  noGpuBrowser = await chromium.launch({
    executablePath,
    headless: true,
    args: [...ARGS, '--disable-gpu', '--disable-software-rasterizer'],
  });
  const noGpu = await noGpuBrowser.newPage({ viewport: { width: 1280, height: 1000 } });
  await noGpu.goto(`${url}?preset=moby-dick`);
  await noGpu.waitForSelector('.panel[data-panel="B"]');
  const fallback = await train(noGpu, 'gpu', 2);
  for (const p of fallback.panels) {
    check(
      `without WebGL, run ${p.name} falls back to the CPU in the worker and says why`,
      p.state === 'done' && p.backend === 'cpu' && /could not create a WebGL/.test(p.status),
      p.status.split('\n')[0],
    );
  }
  console.log(
    `screenshots: ${join(artifacts, 'demo-gpu.png')}, ${join(artifacts, 'demo-cpu.png')}, ${join(artifacts, 'demo-420px.png')}`,
  );
} catch (error) {
  check(
    'the end-to-end test ran to the end',
    false,
    error instanceof Error ? error.message : String(error),
  );
} finally {
  await browser?.close();
  await noGpuBrowser?.close();
  server.close();
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`e2e: ${passed} passed, ${failed} failed (${seconds(Date.now() - started)})`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
