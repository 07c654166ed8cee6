// Embedding (docs/embed.md): www/embed-example.html drives Kiln through the iframe's
// URL and receives its postMessage events; the <kiln-trainer> element relays them as DOM
// events; a page on another origin gets nothing from an iframe without host= and its
// commands are ignored, while the element (which passes host=) works across origins.
import { MIN, assert, assertClean, open, screenshot, sleep } from './helpers.mjs';

/** The host page's received messages (window.hostEvents in www/src/embed_example.ts). */
const hostEvents = (page) => page.evaluate(() => JSON.parse(JSON.stringify(window.hostEvents)));

async function untilHost(t, pred, what, timeoutMs) {
  const t0 = Date.now();
  for (;;) {
    const ev = await hostEvents(t.page);
    if (pred(ev)) return ev;
    if (t.pageErrors.length) throw new Error(`page error while waiting for ${what}: ${t.pageErrors[0]}`);
    const errors = [...ev.frame, ...ev.element].filter((m) => m.type === 'kiln:error');
    if (errors.length && !/error/.test(what)) throw new Error(`kiln:error while waiting for ${what}: ${errors[0].message}`);
    if (Date.now() - t0 > timeoutMs) {
      const types = (l) => l.map((m) => m.type).join(',');
      throw new Error(`timed out waiting for ${what}; frame got ${types(ev.frame)}; element got ${types(ev.element)}`);
    }
    await sleep(200);
  }
}

const frameOf = async (page, selector) => (await page.locator(selector).elementHandle()).contentFrame();
const has = (list, type) => list.some((m) => m.type === type);

export const embedTests = [
  {
    name: 'embed',
    title: 'embed example: the iframe autostarts from its URL, the host gets ready/progress/epoch/done; the element relays events; a foreign origin is ignored',
    timeout: 20 * MIN,
    async run(browser, base) {
      const t = await open(browser, `${base}www/embed-example.html`, 'backend=cpu&batch_size=64');
      let part1;
      try {
        const ev = await untilHost(t, (e) => has(e.frame, 'kiln:done') && has(e.element, 'kiln:ready'), 'kiln:done from the iframe', 15 * MIN);
        const f = ev.frame.filter((m) => m.type !== 'kiln:size');
        const types = f.map((m) => m.type);
        const at = (type) => types.indexOf(type);
        assert(types[0] === 'kiln:ready' && f[0].autostart === true && f[0].presets.includes('m4_pooled'), `first kiln:ready with autostart: ${JSON.stringify(f[0])}`);
        assert(at('kiln:ready') < at('kiln:prepared') && at('kiln:prepared') < at('kiln:progress') && at('kiln:progress') < at('kiln:epoch') && at('kiln:epoch') < at('kiln:done'),
          `order ready < prepared < progress < epoch < done: ${types.join(',')}`);
        const prepared = f[at('kiln:prepared')];
        assert(prepared.model === 'm4_pooled' && prepared.data === 'imdb-1k' && prepared.train_samples > 0 && prepared.params > 0, `prepared: ${JSON.stringify(prepared)}`);
        const progress = f.filter((m) => m.type === 'kiln:progress');
        assert(progress.length >= 2 && progress.every((p) => p.epochs === 1 && p.step <= p.steps && Number.isFinite(p.loss)), `progress: ${JSON.stringify(progress.slice(0, 3))}`);
        assert(progress.at(-1).step === progress.at(-1).steps, `the epoch's last step is posted: ${JSON.stringify(progress.at(-1))}`);
        const epoch = f[at('kiln:epoch')];
        assert(epoch.epoch === 1 && epoch.logs.val_accuracy >= 0 && epoch.logs.val_accuracy <= 1, `epoch: ${JSON.stringify(epoch)}`);
        const done = f[at('kiln:done')];
        const frame = await frameOf(t.page, '#kiln-frame');
        const inside = await frame.evaluate(() => ({
          result: window.kiln.result,
          model: getComputedStyle(document.querySelector('section.model')).display,
          run: getComputedStyle(document.querySelector('section.run')).display,
          form: getComputedStyle(document.querySelector('#config')).display,
          header: getComputedStyle(document.querySelector('header.top')).display,
          search: location.search,
        }));
        assert(done.test_accuracy >= 0 && done.test_accuracy <= 1 && done.test_accuracy === inside.result.test_accuracy,
          `kiln:done test_accuracy ${done.test_accuracy} should be the page's ${inside.result?.test_accuracy}`);
        assert(done.history.loss.length === 1 && done.backend === 'cpu' && done.stopped_early === false && done.f1 >= 0, `done: ${JSON.stringify(done)}`);
        assert(inside.model === 'none' && inside.form === 'none' && inside.header === 'none' && inside.run !== 'none', `hide=setup,model,…: ${JSON.stringify(inside)}`);
        assert(/embed=1/.test(inside.search) && /hide=setup/.test(inside.search) && !/autostart/.test(inside.search),
          `the frame's address keeps embed= and hide= (a reload keeps them), without autostart: ${inside.search}`);
        // the evaluation panel fills in after kiln:done and its kiln:size follows: wait for the sizes to settle
        let sizes, frameHeight, bodyHeight;
        for (let i = 0; i < 100; i++) {
          sizes = (await hostEvents(t.page)).frame.filter((m) => m.type === 'kiln:size');
          frameHeight = await t.page.locator('#kiln-frame').evaluate((e) => e.style.height);
          bodyHeight = await frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
          if (sizes.length > 0 && sizes.at(-1).height === bodyHeight && frameHeight === `${bodyHeight}px`) break;
          await sleep(200);
        }
        assert(sizes.length > 0 && frameHeight === `${sizes.at(-1).height}px` && sizes.at(-1).height === bodyHeight,
          `the host sizes the iframe on kiln:size (${frameHeight}, body ${bodyHeight}, sizes ${sizes.map((s) => s.height)})`);
        assert(sizes.length < 40, `kiln:size should settle, not follow its own resizing: ${sizes.length} messages`);
        // the element: set() then train(), stop() mid-run, relayed as DOM events
        await t.page.fill('#element-epochs', '30');
        await t.page.click('#element-set');
        await t.page.click('#element-train');
        await untilHost(t, (e) => e.element.filter((m) => m.type === 'kiln:progress').length >= 2, 'kiln-progress from the element', 5 * MIN);
        await t.page.click('#element-stop');
        const ev2 = await untilHost(t, (e) => has(e.element, 'kiln:done'), 'kiln-done from the element', 5 * MIN);
        const el = ev2.element.filter((m) => m.type !== 'kiln:size');
        const elDone = el.find((m) => m.type === 'kiln:done');
        assert(el[0].type === 'kiln:ready' && el[0].autostart === false, `the element's page does not autostart: ${JSON.stringify(el[0])}`);
        assert(elDone.epochs === 30 && elDone.stopped_early === true && elDone.history.loss.length < 30, `set({epochs: 30}) then stop(): ${JSON.stringify({ ...elDone, history: elDone.history.loss.length })}`);
        assert(elDone.test_accuracy >= 0 && elDone.test_accuracy <= 1, `element done: ${JSON.stringify(elDone)}`);
        await sleep(300);
        const shot = await screenshot(t, 'e2e-embed-example.png');
        assertClean(t);
        part1 = `iframe: ${types.length} messages (${progress.length} progress), test_accuracy ${done.test_accuracy.toFixed(3)}, height ${frameHeight}; element: stopped after ${elDone.history.loss.length} of 30 epochs, test_accuracy ${elDone.test_accuracy.toFixed(3)}; ${shot.file}`;
      } finally {
        await t.context.close();
      }
      // Another origin (localhost vs 127.0.0.1): the iframe without host= posts to its own origin only
      // and ignores the host's commands; the element passes host= and works.
      const foreignBase = base.replace('127.0.0.1', 'localhost');
      const kiln = `${base}index.html`;
      const t2 = await open(browser, `${foreignBase}www/embed-example.html`, `kiln=${encodeURIComponent(kiln)}&autostart=0&backend=cpu`);
      try {
        await untilHost(t2, (e) => has(e.element, 'kiln:ready'), 'kiln-ready from the element across origins', 3 * MIN);
        const frame = await frameOf(t2.page, '#kiln-frame');
        const ready = async () => frame.evaluate(() => window.kiln?.state?.message ?? '');
        for (let i = 0; i < 300 && !/press Train/.test(await ready()); i++) await sleep(200);
        await t2.page.click('#frame-train');
        await sleep(3000);
        const state = await frame.evaluate(() => window.kiln.state.status);
        const ev = await hostEvents(t2.page);
        assert(state === 'idle', `the iframe should ignore kiln:train from another origin, its state is ${state}`);
        assert(ev.frame.length === 0, `no messages should reach a host the iframe does not name: ${JSON.stringify(ev.frame.slice(0, 2))}`);
        const ignored = t2.log.find((l) => /embed: ignored kiln:train from origin http:\/\/localhost/.test(l));
        assert(ignored, `the iframe should log the ignored command; log: ${t2.log.slice(-5).join(' | ')}`);
        assert(t2.log.some((l) => l.includes(`embed: the page around this one is ${foreignBase.replace(/\/$/, '')}`)), 'the iframe should say which host= it needs');
        // a command from the element's host origin is taken: a bad value comes back as kiln-error
        await t2.page.fill('#element-epochs', '-1');
        await t2.page.click('#element-set');
        const ev2 = await untilHost(t2, (e) => has(e.element, 'kiln:error'), 'kiln-error for epochs=-1', MIN);
        const err = ev2.element.find((m) => m.type === 'kiln:error');
        assert(/epochs/.test(err.message), `the error should name epochs: ${err.message}`);
        return `${part1}; across origins: ignored (${ignored.replace(/^\[\w+\] /, '')}), element error "${err.message}"`;
      } finally {
        await t2.context.close();
      }
    },
  },
];
