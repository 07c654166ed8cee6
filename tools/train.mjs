// Train in headless Chromium and stream the Keras-style log to stdout.
//
//   node tools/train.mjs --url http://127.0.0.1:PORT/ [--timeout S] -- key=value ...
//
// Opens `/?key=value&...&autostart=1`, prints every console line that starts
// with "[kiln] " (prefix removed) and ends with the JSON after
// "[kiln] RESULT " as the last stdout line. Exit 1 on a page error, a crash,
// or the page entering state "error"; 124 on --timeout. Used by
// `./build.sh train`. `export=keras:PATH`, `export=tfjs:PATH` or `export=tokenizer:PATH`
// (repeatable) click the page's Export buttons after the run and save the downloads to PATH.
import { launch, newPage, pageUrl } from './browser.mjs';

const argv = process.argv.slice(2);
const dashdash = argv.indexOf('--');
const opts = dashdash >= 0 ? argv.slice(0, dashdash) : argv.filter((a) => !a.includes('='));
const kv = dashdash >= 0 ? argv.slice(dashdash + 1) : argv.filter((a) => a.includes('='));
const ti = opts.indexOf('--timeout');
const timeoutS = ti >= 0 ? Number(opts[ti + 1]) : 0;
if (ti >= 0 && !(timeoutS > 0)) {
  console.error('--timeout needs a positive number of seconds');
  process.exit(2);
}

const params = new URLSearchParams();
const exports = []; // [format, path]
for (const pair of kv) {
  const eq = pair.indexOf('=');
  if (eq <= 0) {
    console.error(`expected key=value, got '${pair}'`);
    process.exit(2);
  }
  if (pair.slice(0, eq) === 'export') {
    const m = /^(keras|tfjs|tokenizer):(.+)$/.exec(pair.slice(eq + 1));
    if (!m) {
      console.error(`expected export=keras:PATH, export=tfjs:PATH or export=tokenizer:PATH, got '${pair}'`);
      process.exit(2);
    }
    exports.push([m[1], m[2]]);
    continue;
  }
  params.set(pair.slice(0, eq), pair.slice(eq + 1));
}
params.set('autostart', '1');
const server = await pageUrl(opts);
const url = `${server.url}?${params}`;

const PREFIX = '[kiln] ';
const RESULT = '[kiln] RESULT ';
const browser = await launch();
const { context, page } = await newPage(browser);

let finished = false;
let resolveDone;
const done = new Promise((resolve) => (resolveDone = resolve));
const finish = (outcome) => {
  if (finished) return;
  finished = true; // nothing is printed to stdout after this except the RESULT JSON
  resolveDone(outcome);
};

const onConsole = (msg) => {
  if (finished) return;
  const text = msg.text();
  if (text.startsWith(RESULT)) {
    finish({ code: 0, result: text.slice(RESULT.length) });
  } else if (text.startsWith(PREFIX)) {
    process.stdout.write(`${text.slice(PREFIX.length)}\n`);
  } else if (msg.type() === 'error') {
    process.stderr.write(`browser console error: ${text}\n`);
  }
};
page.on('console', onConsole);
page.on('pageerror', (err) => finish({ code: 1, error: `page error: ${err.stack || err}` }));
page.on('crash', () => finish({ code: 1, error: 'the page crashed' }));
context.on('close', () => finish({ code: 1, error: 'the browser closed' }));

let timer;
if (timeoutS > 0) {
  timer = setTimeout(() => finish({ code: 124, error: `timed out after ${timeoutS}s` }), timeoutS * 1000);
}

process.stderr.write(`opening ${url}\n`);
try {
  await page.goto(url, { waitUntil: 'load' });
} catch (err) {
  finish({ code: 1, error: `could not load ${url}: ${err.message}` });
}

// The page reports failures (bad parameters, backend init, training errors)
// through window.kiln.state; poll it so a failure does not hang forever.
const poll = setInterval(async () => {
  try {
    const st = await page.evaluate(() => window.kiln?.state ?? null);
    if (st?.status === 'error') finish({ code: 1, error: `page state error: ${st.message ?? ''}` });
  } catch {
    // navigation or closing; the events above report real problems
  }
}, 1000);

const outcome = await done;
clearInterval(poll);
clearTimeout(timer);
for (const [format, path] of outcome.code === 0 ? exports : []) {
  try {
    await page.waitForSelector(`#export-${format}:not([disabled])`, { timeout: 60_000 });
    const failed = page.waitForSelector('#export-status[data-error]', { timeout: 0 }).then(() => null);
    const [download] = await Promise.all([
      Promise.race([page.waitForEvent('download', { timeout: 0 }), failed]),
      page.click(`#export-${format}`),
    ]);
    if (!download) throw new Error(await page.locator('#export-status').innerText());
    await download.saveAs(path);
    process.stderr.write(`exported ${format} to ${path}\n`);
  } catch (err) {
    outcome.code = 1;
    outcome.error = `export ${format}: ${err.message ?? err}`;
  }
}
if (outcome.result !== undefined) {
  process.stdout.write(`${outcome.result}\n`);
}
if (outcome.error) process.stderr.write(`train: ${outcome.error}\n`);
await browser.close().catch(() => {});
await server.stop();
process.exit(outcome.code);
