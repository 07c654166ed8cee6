// The page's languages (www/src/i18n*.ts, www/src/ui/lang_switch.ts): both
// dictionaries have the same keys and placeholders, index.html only names keys
// that exist (with the English text as its default), Keras' words stay English
// in Korean, and switching works without a DOM; the panels' renderers speak
// Korean on a stand-in document, and a switch translates what they marked.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  DICTIONARIES, detectLocale, getLocale, isKey, localeOf, onLocaleChange, placeholders, setLocale, t, translate,
  type MessageKey,
} from "../../www/src/i18n.js";
import { en } from "../../www/src/i18n_en.js";
import { ko } from "../../www/src/i18n_ko.js";
import { lengthSummary } from "../../www/src/data_view.js";
import { baselineTitle } from "../../www/src/baselines.js";
import type { BaselineReport, Evaluation, LengthStats } from "../../www/src/protocol.js";
import type { BaselineResult } from "../../www/src/session.js";
import { ComparisonView } from "../../www/src/ui/comparison_view.js";
import { renderDataMessage, renderProposal } from "../../www/src/ui/data_summary.js";
import { confusionTable, metricsTable } from "../../www/src/ui/eval_tables.js";
import { ExportButtons } from "../../www/src/ui/export_buttons.js";
import { setPlain, setText, translateElements, type Translatable } from "../../www/src/ui/lang_switch.js";
import { mistakesList } from "../../www/src/ui/mistakes.js";
import type { WasmCalls } from "../../www/src/calls.js";

/** index.html, found upwards from this (bundled) test file. */
function indexHtml(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const f = join(dir, "index.html");
    if (existsSync(f) && existsSync(join(dir, "www"))) return readFileSync(f, "utf8");
    dir = dirname(dir);
  }
  throw new Error("index.html not found above the test");
}

const keys = (o: object): string[] => Object.keys(o).sort();
const decode = (s: string): string =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();

test("Korean has exactly the English keys, none empty", () => {
  assert.deepEqual(keys(ko), keys(en));
  for (const [locale, dict] of Object.entries(DICTIONARIES)) {
    for (const [k, v] of Object.entries(dict)) assert.ok(v.trim().length > 0, `${locale} ${k} is empty`);
  }
});

test("every message has the same placeholders in both languages", () => {
  for (const k of keys(en) as MessageKey[]) {
    assert.deepEqual(placeholders(ko[k]).sort(), placeholders(en[k]).sort(), k);
  }
});

test("html. messages carry the same markup in both languages, and only <strong> and <code>", () => {
  const tags = (s: string): string[] => [...s.matchAll(/<\/?(\w+)[^>]*>/g)].map((m) => m[0]).sort();
  for (const k of keys(en) as MessageKey[]) {
    if (k.startsWith("html.")) {
      assert.deepEqual(tags(ko[k]), tags(en[k]), k);
      for (const tag of tags(en[k])) assert.match(tag, /^<\/?(strong|code)>$/, `${k}: ${tag}`);
    }
  }
});

test("Keras' words stay English in Korean", () => {
  const terms = [
    "Embedding", "LSTM", "Dense", "Dropout", "EarlyStopping", "Tokenizer", "epoch", "batch_size", "loss", "accuracy",
    "val_loss", "optimizer", "learning_rate", "validation_split", "validation_data", "num_words", "char_level",
    "padding", "pre", "post", "Sequential", "word2vec", "WebGPU", "CPU", "None",
  ];
  for (const k of keys(en) as MessageKey[]) {
    for (const term of terms) {
      const word = new RegExp(`(^|[^A-Za-z_])${term}($|[^A-Za-z_])`);
      if (word.test(en[k])) assert.ok(ko[k].includes(term), `${k}: "${term}" is English in the courses; ko: ${ko[k]}`);
    }
  }
  // and the Korean texts are Korean: most of them hold Hangul
  const hangul = (keys(ko) as MessageKey[]).filter((k) => /\p{Script=Hangul}/u.test(ko[k]));
  assert.ok(hangul.length > keys(ko).length * 0.9, `only ${hangul.length} of ${keys(ko).length} Korean texts have Hangul`);
});

test("index.html names only known keys, with the English text as its default", () => {
  const html = indexHtml();
  const named = [...html.matchAll(/data-i18n(?:-html|-title|-placeholder|-aria)?="([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(named.length >= 40, `only ${named.length} data-i18n attributes in index.html`);
  for (const k of named) assert.ok(isKey(k), `index.html: unknown key ${k}`);
  // text elements: <tag … data-i18n="key" …>Text</tag>
  const texts = [...html.matchAll(/<(\w+)[^>]*\sdata-i18n="([^"]+)"[^>]*>([^<]*)<\/\1>/g)];
  assert.ok(texts.length >= 25, `only ${texts.length} plain data-i18n texts found`);
  for (const [, , k, text] of texts) assert.equal(decode(text!), en[k as MessageKey], `index.html text of ${k}`);
  // titles and placeholders: the attribute beside data-i18n-title / -placeholder
  for (const [attr, kind] of [["title", "title"], ["placeholder", "placeholder"]] as const) {
    for (const m of html.matchAll(new RegExp(`<[^>]*\\sdata-i18n-${kind}="([^"]+)"[^>]*>`, "g"))) {
      const value = new RegExp(`\\s${attr}="([^"]*)"`).exec(m[0]);
      assert.ok(value, `${m[1]}: no ${attr}= beside data-i18n-${kind}`);
      assert.equal(decode(value[1]!), en[m[1] as MessageKey], `index.html ${attr} of ${m[1]}`);
    }
  }
  // the page's main visible words are marked
  for (const k of ["panel.setup", "panel.training", "button.train", "button.stop", "data.dataset", "header.tagline"]) {
    assert.ok(named.includes(k), `index.html should mark ${k}`);
  }
});

test("the start language: ?lang=, then the stored choice, then the browser's", () => {
  const cases: [string, string | null, string[], string][] = [
    ["", null, ["ko-KR", "en-US"], "ko"],
    ["", null, ["ko"], "ko"],
    ["", null, ["en-GB", "ko-KR"], "en"],
    ["", null, ["fr-FR", "ko-KR"], "ko"],
    ["", null, ["fr-FR", "de"], "en"],
    ["", null, [], "en"],
    ["", "en", ["ko-KR"], "en"],
    ["", "ko", ["en-US"], "ko"],
    ["", "xx", ["ko_KR"], "ko"],
    ["?lang=en", "ko", ["ko-KR"], "en"],
    ["?data=imdb-1k&lang=ko", "en", ["en-US"], "ko"],
    ["?lang=KO", null, [], "ko"],
    ["?lang=zz", null, ["ko-KR"], "ko"],
  ];
  for (const [search, stored, languages, want] of cases) {
    assert.equal(detectLocale(search, stored, languages), want, JSON.stringify([search, stored, languages]));
  }
  assert.equal(localeOf(null), null);
  assert.equal(localeOf(" ko-kr "), "ko");
});

test("translate fills placeholders; a missing one stays visible", () => {
  assert.equal(translate("en", "status.backend", { backend: "CPU", reason: "forced" }), "Backend: CPU. forced");
  assert.equal(translate("ko", "status.backend", { backend: "CPU", reason: "x" }), "백엔드: CPU. x");
  assert.equal(translate("en", "fit.note", { train: 20000, val: 5000, steps: 625, test: 5000, vocab: 10000, classes: 2, params: 160289 }),
    "Train on 20,000 samples, validate on 5,000 samples (625 steps per epoch); test on 5,000; vocabulary 10,000 words; 2 classes; 160,289 params.");
  assert.equal(translate("en", "saved.imported", {}), "Added the run file as {key}: open it below.");
});

/** A stand-in element: attributes in a map, text and HTML as fields. */
function fake(attrs: Record<string, string>, text = ""): Translatable & { attrs: Record<string, string> } {
  return {
    attrs: { ...attrs },
    getAttribute(name: string) {
      return this.attrs[name] ?? null;
    },
    setAttribute(name: string, value: string) {
      this.attrs[name] = value;
    },
    textContent: text,
    innerHTML: text,
  };
}

test("switching re-translates elements and calls the listeners, without a DOM", () => {
  assert.equal(getLocale(), "en");
  const seen: string[] = [];
  const stop = onLocaleChange((l) => seen.push(l));
  const button = fake({ "data-i18n": "button.train" }, "Train");
  const label = fake({ "data-i18n-title": "text.oovTitle", "data-i18n-placeholder": "text.stopwordsPlaceholder" });
  const note = fake({ "data-i18n-html": "html.fit.note" });
  const typo = fake({ "data-i18n": "button.trian" }, "Train");
  try {
    setLocale("ko");
    assert.deepEqual(translateElements([button, label, note, typo]), ["button.trian"]);
    assert.equal(button.textContent, "훈련");
    assert.equal(label.attrs["title"], ko["text.oovTitle"]);
    assert.equal(label.attrs["placeholder"], "없음");
    assert.match(note.innerHTML, /<code>validation_data=/);
    assert.equal(typo.textContent, "Train");
    assert.equal(t("badge.training"), "훈련 중");
    setLocale("ko"); // no change, no call
    setLocale("en");
    translateElements([button, label]);
    assert.equal(button.textContent, "Train");
    assert.equal(label.attrs["placeholder"], "none");
    assert.deepEqual(seen, ["ko", "en"]);
  } finally {
    stop();
    setLocale("en");
  }
});

/** A stand-in DOM element: children, attributes, text; enough for the ui modules' renderers. */
class FakeElement {
  children: (FakeElement | string)[] = [];
  attrs: Record<string, string> = {};
  dataset: Record<string, string> = {};
  style = { width: "", setProperty() {} };
  classList = { add() {}, toggle() {}, contains: () => false };
  className = "";
  id = "";
  hidden = false;
  disabled = false;
  type = "";
  title = "";
  innerHTML = "";
  constructor(readonly tagName: string) {}
  get textContent(): string {
    return this.children.map((c) => (typeof c === "string" ? c : c.textContent)).join("");
  }
  set textContent(v: string | null) {
    this.children = v ? [v] : [];
  }
  get firstElementChild(): FakeElement | null {
    return this.children.find((c): c is FakeElement => typeof c !== "string") ?? null;
  }
  append(...nodes: (FakeElement | string)[]): void {
    this.children.push(...nodes);
  }
  replaceChildren(...nodes: (FakeElement | string)[]): void {
    this.children = [...nodes];
  }
  getAttribute(name: string): string | null {
    return this.attrs[name] ?? null;
  }
  setAttribute(name: string, value: string): void {
    this.attrs[name] = value;
  }
  removeAttribute(name: string): void {
    delete this.attrs[name];
  }
  addEventListener(): void {}
  /** `#id` only. */
  querySelector(selector: string): FakeElement | null {
    return this.all().find((e) => e !== this && `#${e.id}` === selector) ?? null;
  }
  createCaption(): FakeElement {
    const c = new FakeElement("caption");
    this.children.unshift(c);
    return c;
  }
  /** This element and all below it. */
  all(): FakeElement[] {
    return [this, ...this.children.flatMap((c) => (typeof c === "string" ? [] : c.all()))];
  }
  /** Text of the elements of `tag` below. */
  texts(tag: string): string[] {
    return this.all().filter((e) => e.tagName === tag).map((e) => e.textContent);
  }
}

/** Run `fn` with a stand-in `document` (createElement only) and the page in `locale` (Korean). */
function inKorean(fn: () => void, locale: "ko" | "en" = "ko"): void {
  const g = globalThis as { document?: unknown };
  const before = g.document;
  g.document = { createElement: (tag: string) => new FakeElement(tag) };
  setLocale(locale);
  try {
    fn();
  } finally {
    setLocale("en");
    g.document = before;
  }
}

const hangul = (s: string): boolean => /\p{Script=Hangul}/u.test(s);
const node = (x: unknown): FakeElement => x as FakeElement;

const evaluation: Evaluation = {
  classes: ["부정", "긍정"], threshold: 0.5, samples: 4, accuracy: 0.75, precision: 1, recall: 0.5, specificity: 1, f1: 0.667,
  f2: 0.556, auc: 0.75, average_precision: 0.833, roc: [], pr: [], confusion: [[2, 0], [1, 1]], report: [], report_text: "",
};

test("the Evaluation's tables and mistakes are drawn in Korean; Keras' and scikit-learn's words stay", () => {
  inKorean(() => {
    const metrics = node(metricsTable(evaluation));
    assert.equal(metrics.texts("caption")[0], "양성 클래스: 긍정");
    assert.ok(metrics.texts("th").includes("Accuracy"), "seed 000's metric names stay as it prints them");
    const confusion = node(confusionTable(evaluation));
    assert.equal(confusion.texts("th")[0], "실제 \\ 예측");
    const mistakes = mistakesList([{ row: 7, text: "지루했어요", label: "부정", predicted: "긍정", confidence: 0.9 }], 3, 0.5).map(node);
    assert.equal(mistakes[0]!.textContent, "임계값 0.50에서 테스트 리뷰 3개를 잘못 분류했습니다. 가장 확신한 1개:");
    assert.deepEqual(mistakes[1]!.texts("span"), ["실제: 부정", "예측: 긍정", "확신도 90.0%", "테스트 7행"]);
    assert.equal(node(mistakesList([], 0, null)[0]).textContent, "잘못 분류한 테스트 리뷰가 없습니다.");
  });
  inKorean(() => assert.equal(node(metricsTable(evaluation)).texts("caption")[0], "positive class: 긍정"), "en");
});

test("the Data panel's view, the Comparison and the Baselines speak Korean", () => {
  const stats: LengthStats = {
    mean: 5, median: 5, max: 11, std: 1.9, mean_plus_2sd: 8.7, maxlen: 30, fit_percent: 100, suggested_maxlen: 8, histogram: [],
  } as unknown as LengthStats;
  inKorean(() => {
    assert.equal(lengthSummary(stats), "평균 5.0 · 중앙값 5.0 · 최대 11 · σ 1.9 · mean+2σ 8.7");
    const box = new FakeElement("div");
    renderDataMessage(box as unknown as HTMLElement, { key: "dv.readingData" }, "pending");
    assert.equal(box.textContent, "데이터를 읽는 중…");
    renderDataMessage(box as unknown as HTMLElement, { plain: "data: no rows" }, "error");
    assert.equal(box.textContent, "data: no rows", "Rust's errors stay as they are");
    const offer = new FakeElement("div");
    renderProposal(offer as unknown as HTMLElement, { classes: 3, layers: [], loss: "sparse_categorical_crossentropy" }, () => {});
    assert.match(offer.textContent, /클래스가 3개인데 .*Dense\(3, activation='softmax'\).*loss='sparse_categorical_crossentropy'/);
    assert.deepEqual(offer.texts("button"), ["Dense(3, softmax) 사용"]);

    const row: BaselineResult = {
      run: 2, kind: "baseline", model: "TF-IDF 1–2-grams + LogisticRegression", data: "ko-sample", backend: "cpu",
      test_accuracy: 0.8, f1: 0.8, auc: 0.9, params: 1001, seconds: 0.5, features: 1000,
    };
    const root = new FakeElement("div");
    const view = new ComparisonView(root as unknown as HTMLElement, () => {}, () => true);
    assert.ok(hangul(root.textContent), `empty comparison: ${root.textContent}`);
    view.upsert(row);
    const heads = root.texts("button");
    assert.deepEqual(heads.slice(0, 5), ["실행", "모델", "데이터", "epochs", "테스트 accuracy"]);
    assert.ok(heads.includes("평가"), `the row's button: ${heads}`);
    const report = { converged: false, iterations: 57, features: 1000, evaluation: { ...evaluation, samples: 44 } } as unknown as BaselineReport;
    assert.equal(baselineTitle(row, report), "베이스라인 #2: ko-sample의 TF-IDF 1–2-grams + LogisticRegression, 특성 1,000개 (57회 반복, 수렴하지 않음), 테스트 텍스트 44개");
  });
});

test("marked text follows a switch with its {values}: Export buttons, setText and setPlain", () => {
  inKorean(() => {
    const box = new FakeElement("div");
    const exporter = new ExportButtons(box as unknown as HTMLElement, {} as WasmCalls);
    exporter.show(1, "m4_pooled");
    assert.deepEqual(box.texts("button"), ["Keras로 내보내기", "TF.js로 내보내기", "tokenizer 내보내기"]);
    const status = box.all().find((e) => e.id === "export-status")!;
    setText(status, "export.saved", { name: "kiln-m4_pooled-keras.zip", size: "12" });
    assert.equal(status.textContent, "kiln-m4_pooled-keras.zip을(를) 저장했습니다 (12 KiB).");
    const error = new FakeElement("p");
    setText(error, "eval.updating");
    setPlain(error, "export: no run 9");
    setLocale("en");
    assert.deepEqual(translateElements(box.all()), []);
    translateElements([error]);
    assert.deepEqual(box.texts("button"), ["Export Keras", "Export TF.js", "Export tokenizer"]);
    assert.equal(status.textContent, "Saved kiln-m4_pooled-keras.zip (12 KiB).");
    assert.equal(error.textContent, "export: no run 9", "plain text is left alone by a switch");
  });
});
