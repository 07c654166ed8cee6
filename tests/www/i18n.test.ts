// The page's languages (www/src/i18n*.ts, www/src/ui/lang_switch.ts): both
// dictionaries have the same keys and placeholders, index.html only names keys
// that exist (with the English text as its default), Keras' words stay English
// in Korean, and switching works without a DOM.
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
import { translateElements, type Translatable } from "../../www/src/ui/lang_switch.js";

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
