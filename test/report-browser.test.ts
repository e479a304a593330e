// The generated page in a real browser (Debian's Chromium, driven by playwright-core, which never downloads a
// browser): no console errors, no network requests, every figure laid out with a non-zero box, and a screenshot
// in test/output/report.png for a person to look at.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import t from 'tap';
import { renderReport, writeReportJson } from '../src/report/index.js';
import { DEMO_FIGURES, demoSections } from './fixtures/report-demo.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Runs scripts/ensure-chromium.sh (installs Debian's chromium only when missing); the reason when it failed. */
function ensureChromium(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const r = spawnSync('sh', [path.join(root, 'scripts', 'ensure-chromium.sh')], { encoding: 'utf8', timeout: 280_000 });
  if (r.status === 0 && existsSync(CHROMIUM)) return undefined;
  const why = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').pop();
  return `${CHROMIUM} is missing and scripts/ensure-chromium.sh could not install it (${why})`;
}

const missing = ensureChromium();
const skip = missing ? `browser test skipped: ${missing}` : false;

t.test('index.html opens in Chromium with every figure visible and no errors', { skip }, async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'jetlens-report-browser-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeReportJson(dir, demoSections(), { title: 'jetlens report: browser check' });
  const { index } = await renderReport(dir);

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 30_000 });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  const network: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (!/^(file|data):/.test(r.url())) network.push(r.url());
  });
  await page.goto(pathToFileURL(index).href, { waitUntil: 'load', timeout: 20_000 });

  const boxes = await page.$$eval('figure.plot > svg, figure.plot > img', (els) =>
    els.map((e) => {
      const b = e.getBoundingClientRect();
      return { w: b.width, h: b.height };
    }),
  );
  t.equal(boxes.length, DEMO_FIGURES, 'one figure element per plot section');
  for (const [i, b] of boxes.entries()) t.ok(b.w > 100 && b.h > 100, `figure ${i} is laid out (${b.w}x${b.h})`);
  const graphs = await page.$$eval('svg.graph', (els) => els.map((e) => e.getBoundingClientRect().width * e.getBoundingClientRect().height));
  t.equal(graphs.length, 5, 'graph drawings in the table');
  t.ok(graphs.every((a) => a > 0), 'graph drawings have a size');
  const title = await page.title();
  t.equal(title, 'jetlens report: browser check');
  t.equal(await page.locator('#s00 h2').textContent(), 'About this run <script>alert(1)</script>', 'escaped text shows literally');

  const shot = path.join(root, 'test', 'output', 'report.png');
  await mkdir(path.dirname(shot), { recursive: true });
  await page.screenshot({ path: shot, fullPage: true });
  t.ok(existsSync(shot), `screenshot saved: ${path.relative(root, shot)}`);
  const png = await readFile(shot);
  t.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  t.ok(png.length > 50_000, `screenshot is not blank (${png.length} bytes)`);
  // One screenshot per figure kind (roc, line, histogram, image) and of the EFP table, to look at (test/output/).
  const kinds = await page.$$eval('figure.plot', (els) => els.map((e) => e.closest('section')?.id ?? ''));
  for (const [i, id] of kinds.entries()) {
    const file = path.join(root, 'test', 'output', `figure-${String(i).padStart(2, '0')}-${id}.png`);
    await page.locator('figure.plot').nth(i).screenshot({ path: file });
    t.ok((await readFile(file)).length > 5_000, `figure ${i} screenshot is not blank`);
  }
  const table = path.join(root, 'test', 'output', 'efp-table.png');
  await page.locator('table').first().screenshot({ path: table });
  t.ok((await readFile(table)).length > 2_000, 'EFP table screenshot is not blank');

  t.same(errors, [], 'no console errors');
  t.same(network, [], 'no network requests');
});

t.test('the main job report (a small jetlens study) opens in Chromium with every figure', { skip }, async (t) => {
  const { runStudy } = await import('../src/studies/study.js');
  const dir = await mkdtemp(path.join(tmpdir(), 'jetlens-study-browser-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  // The default pipeline, made small: every step and every report section still runs.
  await runStudy({ outDir: dir, n: 300, seed: 3, cnnEpochs: 1, dnnEpochs: 3, passes: 2, stop: false, space: { select: 'd<=2', kappas: [1, 2], betas: [1] } });
  const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8'));
  const plots = report.sections.filter((s: { type: string }) => s.type !== 'text' && s.type !== 'table').length;

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 30_000 });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(path.join(dir, 'index.html')).href, { waitUntil: 'load', timeout: 20_000 });
  const boxes = await page.$$eval('figure.plot > svg, figure.plot > img', (els) => els.map((e) => e.getBoundingClientRect().width * e.getBoundingClientRect().height));
  t.equal(boxes.length, plots, `${plots} figures (ROC, AUC/ADO per pass, histograms, average images)`);
  t.ok(boxes.every((a) => a > 100 * 100), 'every figure is laid out');
  t.equal(await page.locator('svg.graph').count(), 2, 'one EFP drawing per pass');
  const shot = path.join(root, 'test', 'output', 'study-report.png');
  await mkdir(path.dirname(shot), { recursive: true });
  await page.screenshot({ path: shot, fullPage: true });
  t.ok(existsSync(shot), `screenshot saved: ${path.relative(root, shot)}`);
  t.same(errors, [], 'no console errors');
});
