// The page's language in the DOM: the EN/한국어 switch in the header, the
// static text marked in index.html, and the reader's choice in localStorage.
//
//   data-i18n="key"              textContent
//   data-i18n-html="key"         innerHTML (the dictionaries' own markup only, never data)
//   data-i18n-title="key"        title (tooltips)
//   data-i18n-placeholder="key"  placeholder
//   data-i18n-aria="key"         aria-label
//
// Each of the four but -html may have its `{name}` values beside it, as JSON:
// data-i18n-params, data-i18n-title-params, data-i18n-placeholder-params,
// data-i18n-aria-params. The ui modules set text that way (setText, marked,
// setAttr), so a switch re-translates the panels' text like index.html's;
// setPlain puts untranslated text (data, Rust's errors) where a key was.

import {
  LOCALES, LOCALE_NAMES, STORAGE_KEY, detectLocale, getLocale, isKey, onLocaleChange, setLocale, t, type Locale,
  type MessageKey, type Params,
} from "../i18n.js";

/** The part of an element the static translation touches (a fake one in tests). */
export interface Translatable {
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  removeAttribute?(name: string): void;
  textContent: string | null;
  innerHTML: string;
}

const ATTRS = ["data-i18n", "data-i18n-html", "data-i18n-title", "data-i18n-placeholder", "data-i18n-aria"] as const;
export const I18N_SELECTOR = ATTRS.map((a) => `[${a}]`).join(",");

/** The element attribute a keyed attribute sets. */
const TARGET = { title: "data-i18n-title", placeholder: "data-i18n-placeholder", "aria-label": "data-i18n-aria" } as const;
export type KeyedAttr = keyof typeof TARGET;

/** The `{name}` values stored beside a key (none, or not JSON: none). */
function storedParams(node: Translatable, attr: string): Params | undefined {
  const json = node.getAttribute(`${attr}-params`);
  if (json === null) return undefined;
  try {
    const v: unknown = JSON.parse(json);
    return v !== null && typeof v === "object" ? (v as Params) : undefined;
  } catch {
    return undefined;
  }
}

function keep(node: Translatable, attr: string, key: MessageKey, params: Params | undefined): void {
  node.setAttribute(attr, key);
  if (params) node.setAttribute(`${attr}-params`, JSON.stringify(params));
  else node.removeAttribute?.(`${attr}-params`);
}

/** Put the current language's text into each element; returns the unknown keys (a typo in index.html). */
export function translateElements(elements: Iterable<Translatable>): string[] {
  const unknown: string[] = [];
  for (const node of elements) {
    for (const attr of ATTRS) {
      const key = node.getAttribute(attr);
      if (key === null) continue;
      if (!isKey(key)) {
        unknown.push(key);
        continue;
      }
      const text = attr === "data-i18n-html" ? t(key) : t(key, storedParams(node, attr));
      switch (attr) {
        case "data-i18n":
          node.textContent = text;
          break;
        case "data-i18n-html":
          node.innerHTML = text;
          break;
        case "data-i18n-title":
          node.setAttribute("title", text);
          break;
        case "data-i18n-placeholder":
          node.setAttribute("placeholder", text);
          break;
        case "data-i18n-aria":
          node.setAttribute("aria-label", text);
          break;
      }
    }
  }
  return unknown;
}

function stored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage blocked (a sandboxed iframe): the browser's language decides
  }
}

function store(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // not remembered; the page still switches
  }
}

/** Translate the whole document: the marked elements, `<html lang>` and the title. */
export function translateDocument(): void {
  const unknown = translateElements(document.querySelectorAll<HTMLElement>(I18N_SELECTOR));
  if (unknown.length > 0) console.warn(`[kiln] index.html names unknown i18n keys: ${unknown.join(", ")}`);
  document.documentElement.lang = getLocale();
  document.title = t("page.title");
}

/** Set `node`'s text to `key` (with `params`) now and after every switch. */
export function setText(node: Translatable, key: MessageKey, params?: Params): void {
  node.textContent = t(key, params);
  keep(node, "data-i18n", key, params);
}

/** Set `node`'s title, placeholder or aria-label to `key` now and after every switch. */
export function setAttr(node: Translatable, attr: KeyedAttr, key: MessageKey, params?: Params): void {
  node.setAttribute(attr, t(key, params));
  keep(node, TARGET[attr], key, params);
}

/** Text that is not translated (data, a Rust error): a key set before no longer applies. */
export function setPlain(node: Translatable, text: string): void {
  node.textContent = text;
  node.removeAttribute?.("data-i18n");
  node.removeAttribute?.("data-i18n-params");
}

/**
 * An element made by a ui module with the text of `key` now, marked
 * `data-i18n` so a later switch translates it like index.html's text.
 */
export function marked<K extends keyof HTMLElementTagNameMap>(
  tag: K, key: MessageKey, className?: string, params?: Params,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  setText(node, key, params);
  if (className) node.className = className;
  return node;
}

/** The switch's buttons, marked pressed for the current language. */
function buildSwitch(): HTMLElement {
  const group = document.createElement("div");
  group.className = "lang-switch";
  group.id = "lang-switch";
  group.setAttribute("role", "group");
  group.setAttribute("data-i18n-aria", "lang.label");
  for (const locale of LOCALES) {
    const b = document.createElement("button");
    b.type = "button";
    b.lang = locale;
    b.dataset["lang"] = locale;
    b.textContent = LOCALE_NAMES[locale];
    b.addEventListener("click", () => {
      store(locale);
      setLocale(locale);
    });
    group.append(b);
  }
  return group;
}

function markPressed(group: HTMLElement): void {
  for (const b of group.querySelectorAll<HTMLButtonElement>("button[data-lang]")) {
    b.setAttribute("aria-pressed", String(b.dataset["lang"] === getLocale()));
  }
}

/**
 * Pick the language (`?lang=`, the stored choice, the browser's), add the
 * switch to the header and translate the page; `rerender` redraws the dynamic
 * text after a switch. An explicit `?lang=` is remembered like a click.
 */
export function initLanguage(rerender: () => void): void {
  const asked = new URLSearchParams(location.search).get("lang");
  const locale = detectLocale(location.search, stored(), navigator.languages ?? [navigator.language]);
  if (asked !== null) store(locale);
  setLocale(locale);
  const group = buildSwitch();
  document.querySelector("header.top")?.append(group);
  translateDocument();
  markPressed(group);
  onLocaleChange(() => {
    translateDocument();
    markPressed(group);
    rerender();
  });
}
