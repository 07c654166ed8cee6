// Screenshots of the Kiln page for humans: the idle page and a finished run.
//
//   node tests/e2e/screenshot.mjs [--url http://127.0.0.1:PORT/] [key=value ...]
//
// Without --url (or $KILN_URL) it serves the built page itself (build it first:
// `./build.sh build --dev` or `./build.sh build`). key=value pairs override the
// run (default data=imdb-1k model=pooled epochs=2 backend=cpu). Writes
// $OUT/idle.png and $OUT/finished.png (OUT defaults to out/).
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { launch, newPage, pageUrl } from '../../tools/browser.mjs';

const argv = process.argv.slice(2);
const OUT = resolve(process.env.OUT || 'out');
mkdirSync(OUT, { recursive: true });

const params = new URLSearchParams({ data: 'imdb-1k', model: 'pooled', epochs: '2', backend: 'cpu' });
for (const a of argv.filter((x) => /^[a-z_]+=/.test(x))) {
  const eq = a.indexOf('=');
  params.set(a.slice(0, eq), a.slice(eq + 1));
}
params.set('autostart', '1');

const server = await pageUrl(argv);
const browser = await launch();
let code = 0;
try {
  const { page } = await newPage(browser);
  page.on('pageerror', (e) => console.error(`page error: ${e}`));

  await page.goto(server.url, { waitUntil: 'load' });
  await page.waitForTimeout(1000);
  await page.screenshot({ path: resolve(OUT, 'idle.png'), fullPage: true });
  console.log(`wrote ${resolve(OUT, 'idle.png')}`);

  const url = `${server.url}?${params}`;
  console.log(`training: ${url}`);
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(
    () => ['done', 'error'].includes(window.kiln?.state?.status),
    null,
    { timeout: 0, polling: 500 },
  );
  const state = await page.evaluate(() => window.kiln.state);
  await page.waitForTimeout(500);
  await page.screenshot({ path: resolve(OUT, 'finished.png'), fullPage: true });
  console.log(`wrote ${resolve(OUT, 'finished.png')} (state ${state.status}${state.message ? `: ${state.message}` : ''})`);
  if (state.status !== 'done') code = 1;
} catch (err) {
  console.error(err);
  code = 1;
} finally {
  await browser.close().catch(() => {});
  await server.stop();
}
process.exit(code);
