// Shared headless-Chromium helpers for tools/train.mjs and tests/e2e/*.mjs.
//
// playwright-core comes from www/node_modules (the page's devDependencies);
// Playwright's own browser downloads are never used: the system Chromium
// (/usr/bin/chromium, or $KILN_CHROMIUM) is driven directly. Headless, its
// WebGPU runs on SwiftShader when --enable-unsafe-webgpu is given.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { resolve } from 'node:path';

export const ROOT = new URL('..', import.meta.url).pathname;

function loadPlaywright() {
  for (const base of ['www/package.json', 'tools/package.json']) {
    try {
      return createRequire(resolve(ROOT, base))('playwright-core');
    } catch {
      // try the next location
    }
  }
  throw new Error('playwright-core not found: run `npm ci` in www/ (./build.sh build does)');
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launch headless Chromium; Playwright gives it a fresh temporary --user-data-dir. */
export async function launch() {
  const { chromium } = loadPlaywright();
  return chromium.launch({
    executablePath: process.env.KILN_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // KILN_CHROMIUM_FLAGS: extra flags for a measurement, e.g. '--js-flags=--prof'
    // (V8 writes isolate-*.log into the working directory; `node --prof-process` reads them).
    args: [...CHROMIUM_ARGS, ...(process.env.KILN_CHROMIUM_FLAGS || '').split(' ').filter(Boolean)],
  });
}

/** A page in a fresh browser context (no storage shared with other pages); `locale` ('ko-KR') sets navigator.language. */
export async function newPage(browser, { viewport = { width: 1280, height: 900 }, locale } = {}) {
  const context = await browser.newContext({ viewport, ...(locale ? { locale } : {}) });
  const page = await context.newPage();
  return { context, page };
}

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

function canConnect(port) {
  return new Promise((ok) => {
    const c = connect(port, '127.0.0.1', () => {
      c.end();
      ok(true);
    });
    c.on('error', () => ok(false));
  });
}

/**
 * The page's base URL: --url ARG, else $KILN_URL, else start `node www/serve.mjs`
 * on a free port (stopped by the returned stop()). The page must have been built.
 */
export async function pageUrl(argv = process.argv.slice(2)) {
  const i = argv.indexOf('--url');
  const given = i >= 0 ? argv[i + 1] : process.env.KILN_URL;
  if (given) return { url: given.endsWith('/') ? given : `${given}/`, stop: async () => {} };
  const port = await freePort();
  const child = spawn(process.execPath, [resolve(ROOT, 'www/serve.mjs'), '--port', String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let t = 0; t < 100 && !(await canConnect(port)); t++) {
    if (child.exitCode !== null) throw new Error('www/serve.mjs exited');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: async () => {
      child.kill();
    },
  };
}
