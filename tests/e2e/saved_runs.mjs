// Browser end-to-end tests of saved runs: a run interrupted by a real page reload resumes from
// its last autosave with its curves redrawn; a
// finished run downloads as one file, is deleted, comes back by upload and predicts the same;
// a bad file is refused with a reason. See run.mjs for how it runs.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KO } from './evaluation.mjs';
import { MIN, OUT, assert, assertClean, open, screenshot, sleep, snapshot, until } from './helpers.mjs';

/** Enough epochs that the reload lands mid-run: this small model trains an epoch in a few ms (one thread). */
const EPOCHS = 300;
const QUERY = `${KO}&epochs=${EPOCHS}&seed=7`;

/** The saved-runs table as `{key, name, state, epochs}` rows. */
function savedRows(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('#saved-runs-table tr[data-key]')].map((tr) => {
      const td = [...tr.querySelectorAll('td')].map((c) => c.textContent);
      return { key: tr.dataset.key, name: td[0], epochs: td[3], state: td[4] };
    }),
  );
}

async function waitRows(t, pred, what) {
  const t0 = Date.now();
  for (;;) {
    const rows = await savedRows(t.page);
    if (pred(rows)) return rows;
    if (t.pageErrors.length) throw new Error(`page error while waiting for ${what}: ${t.pageErrors[0]}`);
    assert(Date.now() - t0 < 2 * MIN, `timed out waiting for ${what}: ${JSON.stringify(rows)}`);
    await sleep(100);
  }
}

const done = (t, what) => until(t, (s) => s.state.status === 'done', what, 5 * MIN);

export const savedRunTests = [
  {
    name: 'saved_runs',
    title: 'a run survives a page reload and carries on from its last epoch with its curves; download, delete, upload, open; a bad file is refused',
    timeout: 12 * MIN,
    run: async (browser, base) => {
      const t = await open(browser, base, `${QUERY}&autostart=1`);
      try {
        // Reload in the middle of training, after at least two autosaves (epoch ends).
        await until(t, (s) => s.history.loss.length >= 2, 'two epochs', 3 * MIN);
        const before = (await snapshot(t.page)).history;
        await t.page.goto(`${base}?${QUERY}`, { waitUntil: 'load' });
        await t.page.waitForSelector('#saved-runs-notice:not([hidden]) button', { timeout: MIN });
        const notice = await t.page.locator('#saved-runs-notice').innerText();
        assert(/stopped at epoch \d+, step 0/.test(notice), `the notice should say where the run stopped: ${notice}`);
        await t.page.click('#saved-runs-notice button');
        const resumed = await done(t, 'the resumed run');
        const log = await t.page.locator('#log').innerText();
        assert(/Resumed at epoch (\d+), step 0/.test(log) && Number(/Resumed at epoch (\d+)/.exec(log)[1]) >= 3, `the log should say where it resumed: ${log.slice(0, 300)}`);
        const h = resumed.history;
        assert(h.loss.length === EPOCHS, `the resumed run should end after ${EPOCHS} epochs: ${JSON.stringify(h.loss)}`);
        for (let i = 0; i < before.loss.length; i++) {
          assert(h.loss[i] === before.loss[i] && h.val_accuracy[i] === before.val_accuracy[i], `epoch ${i + 1} should be redrawn as it was`);
        }
        await screenshot(t, 'saved_runs_resumed.png');
        const resumedAccuracy = resumed.state.test.accuracy;

        // Download the finished run, delete it, upload the file, open it: the same test accuracy.
        const rows = await waitRows(t, (r) => r.length === 1 && r[0].state === 'finished', 'the finished run');
        const row = t.page.locator(`#saved-runs-table tr[data-key="${rows[0].key}"]`);
        const [download] = await Promise.all([
          t.page.waitForEvent('download', { timeout: 30_000 }).catch(async (e) => {
            throw new Error(`no download: ${await t.page.locator('#saved-runs-message').innerText()} ${e}`);
          }),
          row.locator('button', { hasText: 'Download' }).click(),
        ]);
        const file = resolve(OUT, 'saved-run.kiln');
        await download.saveAs(file);
        t.page.once('dialog', (d) => d.accept());
        await row.locator('button', { hasText: 'Delete' }).click();
        await waitRows(t, (r) => r.length === 0, 'the deletion');
        await t.page.setInputFiles('#saved-run-upload', file);
        const back = await waitRows(t, (r) => r.length === 1, 'the uploaded run');
        const uploaded = back.find((r) => r.name === 'saved-run');
        assert(uploaded && uploaded.state === 'finished' && uploaded.epochs === `${EPOCHS} / ${EPOCHS}`, `the upload should be listed as finished: ${JSON.stringify(back)}`);
        await t.page.locator(`#saved-runs-table tr[data-key="${uploaded.key}"] button`, { hasText: 'Open' }).click();
        const opened = await done(t, 'the opened run');
        assert(opened.state.test.accuracy === resumedAccuracy, `the opened file should evaluate as before: ${opened.state.test.accuracy} vs ${resumedAccuracy}`);
        assert(JSON.stringify(opened.history.loss) === JSON.stringify(h.loss), 'the opened run keeps its history');

        // Seeded runs reproduce: the same seed, data and settings trained without a break draw
        // exactly the resumed run's curve (weights, optimizer state and dropout draws all carried).
        await t.page.click('#train');
        const fresh = await done(t, 'the uninterrupted run');
        for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy']) {
          assert(JSON.stringify(fresh.history[key]) === JSON.stringify(h[key]), `${key}: uninterrupted ${JSON.stringify(fresh.history[key])} vs resumed ${JSON.stringify(h[key])}`);
        }
        assert(fresh.state.test.accuracy === resumedAccuracy, `test accuracy: uninterrupted ${fresh.state.test.accuracy} vs resumed ${resumedAccuracy}`);
        await waitRows(t, (r) => r.length === 2 && r.every((x) => x.state === 'finished'), 'the second run saved');
        t.page.once('dialog', (d) => d.accept());
        await t.page.locator(`#saved-runs-table tr[data-key="${uploaded.key}"] button`, { hasText: 'Delete' }).click();
        await waitRows(t, (r) => r.length === 1, 'the deletion of the reopened run');

        // A file that is not a run: a reason, nothing added.
        const bad = resolve(OUT, 'not-a-run.kiln');
        writeFileSync(bad, Buffer.from('PK\u0003\u0004 this is not a run'));
        await t.page.setInputFiles('#saved-run-upload', bad);
        await t.page.waitForFunction(() => /not a readable Kiln run file/.test(document.querySelector('#saved-runs-message').textContent), null, { timeout: MIN });
        assert((await savedRows(t.page)).length === 1, 'a refused file adds no row');
        const use = await t.page.locator('#saved-runs-use').innerText();
        assert(/MB of .* used/.test(use), `the storage used should show: ${use}`);
        await screenshot(t, 'saved_runs.png');
        assertClean(t);
        return `resumed at epoch ${/Resumed at epoch (\d+)/.exec(log)[1]}, test accuracy ${resumedAccuracy.toFixed(4)} = reopened from the file = an uninterrupted run with seed 7 (curves identical)`;
      } finally {
        await t.context.close();
      }
    },
  },
];
