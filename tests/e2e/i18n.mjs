// Browser end-to-end test of the page's languages: Chromium in ko-KR opens the
// page in Korean, the EN/한국어 switch changes every marked text without a reload
// (also mid-run), a run trains in Korean with Korean status lines while Keras'
// words and its progress bar stay English; after it, the panels drawn from data
// (Data, Evaluation tables, Comparison, Saved runs, Export) are Korean and follow
// the switch. See run.mjs for how it runs.
import { KO } from './evaluation.mjs';
import { MIN, assert, assertClean, open, screenshot, status, until } from './helpers.mjs';

/** The texts the test reads, in one round trip. */
function texts(page) {
  return page.evaluate(() => {
    const text = (sel) => document.querySelector(sel)?.textContent?.trim() ?? null;
    return {
      lang: document.documentElement.lang,
      title: document.title,
      setup: text('#setup-title'),
      train: text('#train'),
      pause: text('#pause'),
      badge: text('#status-state'),
      message: text('#status-message'),
      dataset: text('label:has(> select[name="data"]) > span'),
      compile: [...document.querySelectorAll('legend')].map((l) => l.textContent.trim()),
      labels: [...document.querySelectorAll('#config label')].map((l) => l.textContent.replace(/\s+/g, ' ').trim()),
      fit: text('#fit-note'),
      progress: text('#progress'),
      results: [...document.querySelectorAll('#results dt')].map((d) => d.textContent),
      evalEmpty: text('#eval-empty'),
      addLayer: text('#add-layer'),
      evalRun: text('#eval-run'),
      pressed: document.querySelector('#lang-switch button[aria-pressed="true"]')?.dataset.lang ?? null,
      stored: localStorage.getItem('kiln.lang'),
    };
  });
}

/** The panels' texts drawn from data, in one round trip. */
function panels(page) {
  return page.evaluate(() => {
    const text = (sel) => document.querySelector(sel)?.textContent?.trim() ?? null;
    const all = (sel) => [...document.querySelectorAll(sel)].map((e) => e.textContent.trim());
    return {
      dataRows: text('#data-rows'),
      lengthFit: text('#length-fit'),
      dataHeads: all('#data-view h3'),
      evalHeads: all('#evaluation h3'),
      metricsCaption: text('#eval-metrics caption'),
      corner: text('#confusion th.corner'),
      caption: text('#eval-curves + p'),
      mistakes: text('#mistakes p'),
      compareHeads: all('#comparison-table th button'),
      savedHeads: all('#saved-runs-table th'),
      savedCells: all('#saved-runs-table td'),
      savedButtons: all('#saved-runs-table button'),
      exports: all('#export button'),
      exportNote: text('#export-status'),
      downloads: text('#downloads .downloads-label'),
      embeddings: text('#embeddings h3'),
    };
  });
}

/** Marked texts, buttons and status parts whose box sticks out of their panel or is cut off. */
function overflow(page) {
  return page.evaluate(() => {
    const bad = [];
    const nodes = document.querySelectorAll('[data-i18n], [data-i18n-html], button, #status *, .lang-switch');
    for (const el of nodes) {
      if (el.offsetParent === null) continue; // hidden
      const box = el.getBoundingClientRect();
      const panel = el.closest('.panel, header')?.getBoundingClientRect();
      const cut = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible';
      if ((panel && box.right > panel.right + 1) || cut) bad.push(`${el.tagName.toLowerCase()}#${el.id}: ${el.textContent.trim().slice(0, 40)}`);
    }
    return bad;
  });
}

export const i18nTests = [
  {
    name: 'i18n',
    title: 'Korean from the browser language, the EN/한국어 switch, a run in Korean with Keras terms in English',
    timeout: 15 * MIN,
    async run(browser, base) {
      const t = await open(browser, base, `${KO}&epochs=100&batch_size=4`, { locale: 'ko-KR' });
      try {
        await t.page.waitForSelector('#config fieldset:not([disabled]) select[name="data"]', { timeout: 2 * MIN });
        const ko = await texts(t.page);
        assert(ko.lang === 'ko' && ko.pressed === 'ko', `ko-KR should open in Korean: lang=${ko.lang}, switch=${ko.pressed}`);
        assert(ko.setup === '설정' && ko.train === '훈련' && ko.dataset === '데이터셋', `Korean headings and buttons: ${JSON.stringify(ko)}`);
        assert(/설정을 고르고/.test(ko.message) && ko.badge === '준비', `Korean status line: ${ko.badge} ${ko.message}`);
        assert(/브라우저/.test(ko.title), `Korean title: ${ko.title}`);
        assert(ko.addLayer === '레이어 추가', `the layer editor's button: ${ko.addLayer}`);
        assert(ko.evalEmpty === '실행이 끝나거나 중지되면 평가가 나타납니다.', `Korean evaluation placeholder: ${ko.evalEmpty}`);
        for (const word of ['num_words', 'maxlen', 'optimizer', 'learning_rate', 'batch_size', 'epochs', 'validation_split', 'loss']) {
          assert(ko.labels.some((l) => l.startsWith(word)), `the Keras label ${word} should stay English: ${ko.labels.join(' | ')}`);
        }
        assert(ko.compile.includes('compile() and fit()') && ko.compile.includes('텍스트 (Keras Tokenizer)'), `legends: ${ko.compile}`);
        const bad = await overflow(t.page);
        assert(bad.length === 0, `Korean text overflows: ${bad.join('; ')}`);
        const idle = await screenshot(t, 'e2e-i18n-ko.png');

        // EN and back, without reloading: the same document, remembered in localStorage
        await t.page.evaluate(() => (window.__samePage = true));
        await t.page.click('#lang-switch button[data-lang="en"]');
        const en = await texts(t.page);
        assert(en.lang === 'en' && en.setup === 'Setup' && en.train === 'Train' && en.badge === 'Ready', `EN: ${JSON.stringify(en)}`);
        assert(en.addLayer === 'Add layer', `EN layer editor button: ${en.addLayer}`);
        assert(en.message === 'Choose the settings and press Train' && en.stored === 'en', `EN status and stored choice: ${en.message} ${en.stored}`);
        assert(/train a text classifier/.test(en.title), `EN title: ${en.title}`);
        await t.page.click('#lang-switch button[data-lang="ko"]');
        assert((await texts(t.page)).setup === '설정', 'back to Korean');

        // a run in Korean; switching mid-run and while paused keeps it going
        await t.page.click('#train');
        const s1 = await until(t, (s) => status(s) === 'training' && s.events > 2, 'training to start', 5 * MIN);
        const during = await texts(t.page);
        assert(during.badge === '훈련 중' && /훈련 중: epochs=100, batch_size=4$/.test(during.message), `Korean training line: ${during.badge} ${during.message}`);
        assert(during.pause === '일시정지', `pause button: ${during.pause}`);
        await t.page.click('#lang-switch button[data-lang="en"]');
        const mid = await texts(t.page);
        assert(mid.badge === 'Training' && mid.message === 'm4_pooled on ko-sample, 100 epochs of batch 4', `EN mid-run: ${mid.badge} ${mid.message}`);
        await t.page.click('#lang-switch button[data-lang="ko"]');
        const s2 = await until(t, (x) => x.events > s1.events + 2, 'the run to go on after switching', 2 * MIN);
        await t.page.click('#pause');
        await until(t, (x) => status(x) === 'paused', 'state paused', 2 * MIN);
        const paused = await texts(t.page);
        assert(paused.badge === '일시정지' && paused.message === '일시정지됨' && paused.pause === '계속', `Korean paused: ${JSON.stringify(paused)}`);
        await t.page.click('#lang-switch button[data-lang="en"]');
        const pausedEn = await texts(t.page);
        assert(pausedEn.badge === 'Paused' && pausedEn.pause === 'Resume', `EN paused: ${pausedEn.badge} ${pausedEn.pause}`);
        await t.page.click('#lang-switch button[data-lang="ko"]');
        await t.page.click('#pause');
        await until(t, (x) => status(x) !== 'paused' && x.events > s2.events, 'the run to resume', 2 * MIN);
        const s = await until(t, (x) => status(x) === 'done', 'the run to finish', 10 * MIN);
        const done = await texts(t.page);
        assert(done.badge === '완료' && done.message === '훈련을 마치고 테스트 세트로 평가했습니다', `Korean done line: ${done.badge} ${done.message}`);
        assert(/^훈련 샘플 [\d,]+개, 검증 샘플 [\d,]+개 \(epoch당 \d+ 스텝\)/.test(done.fit ?? ''), `Korean fit note: ${done.fit}`);
        assert(/^실행 #1: ko-sample의 m4_pooled, 100 epoch, 테스트 텍스트 44개$/.test(done.evalRun ?? ''), `Korean evaluation title: ${done.evalRun}`);
        assert(done.results.includes('테스트 accuracy') && done.results.includes('테스트 loss'), `results: ${done.results}`);
        assert(/Epoch 100\/100/.test(done.progress) && /val_accuracy: /.test(done.progress), `Keras' progress line stays Keras': ${done.progress}`);
        assert(s.history.loss.length === 100 && typeof s.state.test?.accuracy === 'number', `history: ${JSON.stringify(s.history)}`);
        assert(await t.page.evaluate(() => window.__samePage === true), 'switching must not reload the page');

        // the panels drawn from data speak Korean, and follow the switch
        // the saved run is listed and the misclassified reviews have come (not "looking for them")
        const settled = () => document.querySelector('#saved-runs-table td') && document.querySelector('#mistakes p')
          && !document.querySelector('#mistakes [data-i18n="eval.lookingMistakes"]');
        await t.page.waitForFunction(settled, null, { timeout: MIN });
        const p = await panels(t.page);
        assert(/^훈련 [\d,]+ · 테스트 [\d,]+행 · 클래스 2개$/.test(p.dataRows ?? ''), `Korean data rows: ${p.dataRows}`);
        assert(/^텍스트의 [\d.]+ %가 maxlen \d+ 안에 들어갑니다$/.test(p.lengthFit ?? ''), `Korean length fit: ${p.lengthFit}`);
        assert(p.dataHeads.includes('예시') && p.dataHeads.includes('어휘'), `Korean data headings: ${p.dataHeads}`);
        assert(p.evalHeads.includes('지표') && p.evalHeads.includes('혼동 행렬') && p.evalHeads.includes('classification_report'), `evaluation headings: ${p.evalHeads}`);
        assert(/^양성 클래스: /.test(p.metricsCaption ?? '') && p.corner === '실제 \\ 예측', `Korean table labels: ${p.metricsCaption} / ${p.corner}`);
        assert(/^ROC-AUC [\d.]+ · average precision [\d.]+; 점은 임계값 0\.50의 위치입니다$/.test(p.caption ?? ''), `curve caption: ${p.caption}`);
        assert(p.compareHeads[0] === '실행' && p.compareHeads.includes('테스트 accuracy') && p.compareHeads.includes('epochs'), `comparison: ${p.compareHeads}`);
        assert(p.savedHeads.includes('이름') && p.savedHeads.includes('상태') && p.savedCells.includes('완료') && p.savedButtons.includes('열기'), `saved runs: ${JSON.stringify(p)}`);
        assert(p.exports.join('|') === 'Keras로 내보내기|TF.js로 내보내기|tokenizer 내보내기' && /모델을 다시 만들고/.test(p.exportNote ?? ''), `export: ${p.exports} ${p.exportNote}`);
        assert(p.downloads === '다운로드:' && p.embeddings === 'Embedding 단어 벡터', `downloads / embeddings: ${p.downloads} ${p.embeddings}`);
        await t.page.click('#lang-switch button[data-lang="en"]');
        await t.page.waitForFunction(() => [...document.querySelectorAll('#saved-runs-table th')].some((th) => th.textContent === 'name'), null, { timeout: MIN });
        await t.page.waitForFunction(settled, null, { timeout: MIN });
        const pe = await panels(t.page);
        assert(/^[\d,]+ train · [\d,]+ test rows · 2 classes$/.test(pe.dataRows ?? '') && /of texts fit in maxlen/.test(pe.lengthFit ?? ''), `EN data: ${pe.dataRows} ${pe.lengthFit}`);
        assert(pe.evalHeads.includes('Metrics') && /^positive class: /.test(pe.metricsCaption ?? '') && pe.corner === 'true \\ predicted', `EN evaluation: ${pe.evalHeads} ${pe.metricsCaption} ${pe.corner}`);
        assert(/the dot is threshold 0\.50$/.test(pe.caption ?? '') && /test reviews? misclassified|No test review/.test(pe.mistakes ?? ''), `EN caption and mistakes: ${pe.caption} / ${pe.mistakes}`);
        assert(pe.compareHeads[0] === 'run' && pe.compareHeads.includes('test accuracy'), `EN comparison: ${pe.compareHeads}`);
        assert(pe.savedCells.includes('finished') && pe.savedButtons.includes('Open'), `EN saved runs: ${pe.savedCells} ${pe.savedButtons}`);
        assert(pe.exports.join('|') === 'Export Keras|Export TF.js|Export tokenizer' && /^Keras 3: weights\.npz/.test(pe.exportNote ?? ''), `EN export: ${pe.exports} ${pe.exportNote}`);
        assert(pe.downloads === 'Downloads:' && pe.embeddings === 'Embeddings', `EN downloads / embeddings: ${pe.downloads} ${pe.embeddings}`);
        await t.page.click('#lang-switch button[data-lang="ko"]');
        await t.page.waitForFunction(() => [...document.querySelectorAll('#saved-runs-table th')].some((th) => th.textContent === '이름'), null, { timeout: MIN });
        assert((await panels(t.page)).corner === '실제 \\ 예측', 'back to Korean tables');

        const after = await overflow(t.page);
        assert(after.length === 0, `Korean text overflows after the run: ${after.join('; ')}`);
        const shot = await screenshot(t, 'e2e-i18n-ko-done.png');
        assertClean(t);
        return `ko: "${ko.message}" → "${done.message}"; fit: ${done.fit}; acc=${s.state.test.accuracy.toFixed(3)}; ${idle.file}, ${shot.file}`;
      } finally {
        await t.context.close();
      }
    },
  },
];
