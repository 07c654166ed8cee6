// Helpers shared by the browser end-to-end tests (tests/e2e/*.mjs): opening the
// page, waiting on window.kiln, assertions, screenshots.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { newPage } from '../../tools/browser.mjs';

export const OUT = resolve(process.env.OUT || 'out');
mkdirSync(OUT, { recursive: true });

export const MIN = 60_000;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** The open page of the running test, for failure diagnostics. */
export const diag = { current: null };

// ------------------------------------------------------------------ helpers --

/**
 * Opens `?query` in a fresh context (in the browser language `locale`, e.g. 'ko-KR'), recording
 * console errors and page errors; `beforeGoto({context, page})` adds listeners before the page loads.
 */
export async function open(browser, base, query, { initScript, locale, beforeGoto } = {}) {
  const { context, page } = await newPage(browser, { locale });
  if (beforeGoto) await beforeGoto({ context, page });
  const log = [];
  const consoleErrors = [];
  const pageErrors = [];
  page.on('console', (msg) => {
    const text = msg.text();
    log.push(`[${msg.type()}] ${text}`);
    if (msg.type() === 'error') {
      // a missing favicon is not the page's fault
      if (/favicon\.ico/.test(msg.location()?.url ?? '')) return;
      consoleErrors.push(text);
    }
  });
  page.on('pageerror', (err) => pageErrors.push(String(err?.stack || err)));
  let crashed = false;
  page.on('crash', () => (crashed = true));
  await page.addInitScript(recordSeen);
  if (initScript) await page.addInitScript(initScript);
  const t = {
    context,
    page,
    log,
    consoleErrors,
    pageErrors,
    get crashed() {
      return crashed;
    },
  };
  diag.current = t;
  await page.goto(`${base}?${query}`, { waitUntil: 'load' });
  return t;
}

/** An init script: every value the page gives `window.kiln` is noted in `window.__kilnSeen`,
 *  so a test sees a run's steps and progress lines even when the run is over between two polls
 *  (a small model trains a step in a millisecond or two): `runs` counts the runs started,
 *  `events` and `progress` keep each new step count and progress line while training. */
const recordSeen = () => {
  const seen = { runs: 0, events: [], progress: [] };
  window.__kilnSeen = seen;
  let value;
  let last = null;
  Object.defineProperty(window, 'kiln', {
    configurable: true,
    get: () => value,
    set: (v) => {
      value = v;
      const now = v?.state?.status;
      if (now === 'preparing' && last !== 'preparing') seen.runs += 1;
      last = now;
      if (now !== 'training') return;
      if (seen.events.at(-1) !== v.events) seen.events.push(v.events);
      const p = document.querySelector('#progress')?.innerText ?? '';
      if (p && seen.progress.at(-1) !== p) seen.progress.push(p);
    },
  });
};

/** How many runs the page has started (see `recordSeen`). */
export const runsStarted = (page) => page.evaluate(() => window.__kilnSeen?.runs ?? 0);

/** An init script: the page's worker stays reachable as window.__kilnWorker (to post it messages). */
export const captureWorker = () => {
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      window.__kilnWorker = this;
    }
  };
};

/** Plain-data snapshot of window.kiln (without config). */
export function snapshot(page) {
  return page.evaluate(() => {
    const k = window.kiln;
    if (!k) return null;
    return JSON.parse(JSON.stringify({ state: k.state, history: k.history, events: k.events }));
  });
}

/** Polls until pred(snapshot) is true; throws with the last snapshot on timeout or page error. */
export async function until(t, pred, what, timeoutMs) {
  const t0 = Date.now();
  let last = null;
  for (;;) {
    last = await snapshot(t.page).catch(() => last);
    if (last && pred(last)) return last;
    if (t.pageErrors.length) throw new Error(`page error while waiting for ${what}: ${t.pageErrors[0]}`);
    if (t.crashed) throw new Error(`page crashed while waiting for ${what}`);
    if (t.page.isClosed()) throw new Error(`page closed while waiting for ${what}`);
    if (last?.state?.status === 'error' && !/error/.test(what)) {
      throw new Error(`page entered state error while waiting for ${what}: ${last.state.message}`);
    }
    if (Date.now() - t0 > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; last state: ${JSON.stringify(last?.state)} events=${last?.events}`);
    }
    await sleep(100);
  }
}

export const status = (s) => s?.state?.status;

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

export function assertAccuracy(s) {
  const acc = s.state?.test?.accuracy;
  assert(typeof acc === 'number' && acc >= 0 && acc <= 1, `test.accuracy should be a number in [0,1], got ${JSON.stringify(s.state?.test)}`);
}

export function assertClean(t) {
  assert(!t.pageErrors.length, `page errors: ${t.pageErrors.join('\n')}`);
  assert(!t.consoleErrors.length, `console errors: ${t.consoleErrors.join('\n')}`);
}

/** Counts pixels that differ from each canvas's top-left pixel in #charts. */
export function chartInk(page) {
  return page.evaluate(() => {
    const out = [];
    for (const c of document.querySelectorAll('#charts canvas')) {
      const ctx = c.getContext('2d');
      if (!ctx || !c.width || !c.height) continue;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let ink = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2] || d[i + 3] !== d[3]) ink++;
      }
      out.push(ink);
    }
    return out;
  });
}

/** Pixels drawn in the data view's length histogram (#length-histogram). */
export function histogramInk(page) {
  return page.evaluate(() => {
    const c = document.querySelector('#length-histogram');
    if (!c || !c.width || !c.height) return 0;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
    return ink;
  });
}

/** Screenshot to $OUT/name, checked against a screenshot of a blank page of the same size. */
export async function screenshot(t, name) {
  const file = resolve(OUT, name);
  const png = await t.page.screenshot({ path: file, fullPage: true });
  const blank = await t.context.newPage();
  await blank.setContent('<html><body style="margin:0;background:#fff"></body></html>');
  const blankPng = await blank.screenshot({ fullPage: true });
  await blank.close();
  assert(png.length > blankPng.length * 2 && png.length > 10_000, `screenshot ${file} looks blank (${png.length} bytes, blank page ${blankPng.length})`);
  return { file, bytes: png.length };
}

/**
 * Samples events and #progress while training runs; resolves with what was
 * seen when the state reaches done.
 */
export async function watchTraining(t, timeoutMs) {
  const events = new Set();
  const progress = new Set();
  const t0 = Date.now();
  let s;
  for (;;) {
    s = await snapshot(t.page);
    if (status(s) === 'training') {
      events.add(s.events);
      progress.add(await t.page.locator('#progress').innerText().catch(() => ''));
    }
    if (status(s) === 'done') break;
    if (status(s) === 'error') throw new Error(`state error: ${s.state.message}`);
    if (t.pageErrors.length) throw new Error(`page error: ${t.pageErrors[0]}`);
    if (t.crashed) throw new Error('page crashed');
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000}s; state ${JSON.stringify(s?.state)} events=${s?.events}`);
    await sleep(100);
  }
  const seen = await t.page.evaluate(() => window.__kilnSeen);
  for (const e of seen?.events ?? []) events.add(e);
  for (const p of seen?.progress ?? []) progress.add(p);
  return { final: s, events: [...events].sort((a, b) => a - b), progress: [...progress] };
}

/** The summary's total params as a number, once the summary shows one (or null if it shows an error). */
export async function totalParams(t, want, timeoutMs = 60_000) {
  const t0 = Date.now();
  let last = null;
  for (;;) {
    last = await t.page.evaluate(() => {
      const s = document.querySelector('#summary');
      const total = document.querySelector('#total-params');
      return { state: s?.dataset.state ?? null, total: total ? Number(total.textContent.replace(/,/g, '')) : null, text: s?.innerText ?? '' };
    });
    if (last.state !== 'pending' && (want === undefined || (want === 'error' ? last.state === 'error' : last.total === want))) return last;
    if (t.pageErrors.length) throw new Error(`page error: ${t.pageErrors[0]}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`summary: wanted ${want}, last ${JSON.stringify(last)}`);
    await sleep(100);
  }
}

/** Waits for the code box's message after a button press. */
export async function codeMessage(t, timeoutMs = 60_000) {
  await t.page.waitForFunction(() => !document.querySelector('#code-message').hidden && document.querySelector('#code-message').dataset.state, null, { timeout: timeoutMs });
  return t.page.evaluate(() => {
    const m = document.querySelector('#code-message');
    return { state: m.dataset.state, text: m.innerText };
  });
}

export const SEED_002 = [
  'model = Sequential()',
  'model.add(Embedding(5000, 32, input_length=500))',
  'model.add(LSTM(100))',
  "model.add(Dense(1, activation='sigmoid'))",
  "model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])",
].join('\n');

/** Waits until the settings are enabled (the presets arrived). */
async function ready(t) {
  await t.page.waitForSelector('#config fieldset:not([disabled]) select[name="data"]', { timeout: 2 * MIN });
}

/** Opens `query`, waits for the settings (unless `ready: false`: an autostarted run disables them), runs `body(t)`, checks for page and console errors, closes. */
export async function withPage(browser, base, query, body, { ready: waitReady = true } = {}) {
  const t = await open(browser, base, query);
  try {
    if (waitReady) await ready(t);
    const summary = await body(t);
    assertClean(t);
    return summary;
  } finally {
    await t.context.close();
  }
}

/** Pixels drawn on a canvas (alpha > 0). */
export function canvasInk(page, selector) {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel);
    if (!c || !c.width || !c.height) return 0;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
    return ink;
  }, selector);
}
