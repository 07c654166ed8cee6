// The page's two languages: English and Korean. Pure (no DOM, no storage), so
// the worker and node tests use it too; ui/lang_switch.ts does the DOM part.
// Keras' own words (Embedding, LSTM, epoch, batch_size, loss, accuracy,
// val_loss, optimizer…) stay English in both, as the Korean courses write them.

import { en, type MessageKey, type Messages } from "./i18n_en.js";
import { ko } from "./i18n_ko.js";

export type { MessageKey, Messages } from "./i18n_en.js";
export type Locale = "en" | "ko";
export const LOCALES: readonly Locale[] = ["en", "ko"];
export const DICTIONARIES: Record<Locale, Messages> = { en, ko };
/** The name of each language in itself, for the switch. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "EN", ko: "한국어" };
/** localStorage key of the reader's choice. */
export const STORAGE_KEY = "kiln.lang";

export type Params = Readonly<Record<string, string | number>>;

/** A text to show later in whichever language is current then. */
export interface Text {
  key: MessageKey;
  params?: Params;
}

/** `{name}` placeholders of a message, in order. */
export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

/** `key` in `locale` with its `{name}` placeholders filled; a missing param stays `{name}`. */
export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  const message = DICTIONARIES[locale][key];
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : typeof v === "number" ? v.toLocaleString("en-US") : v;
  });
}

/** `ko` for Korean browser languages (`ko`, `ko-KR`), else `en`; null for none given. */
export function localeOf(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const base = tag.trim().toLowerCase().split(/[-_]/)[0];
  return base === "ko" ? "ko" : base === "en" ? "en" : null;
}

/**
 * The language to start in: `?lang=ko|en` first, then the reader's stored
 * choice, then the browser's languages (the first one Kiln has), else English.
 */
export function detectLocale(search: string, stored: string | null, languages: readonly string[]): Locale {
  const asked = localeOf(new URLSearchParams(search).get("lang"));
  if (asked) return asked;
  const kept = localeOf(stored);
  if (kept) return kept;
  for (const l of languages) {
    const found = localeOf(l);
    if (found) return found;
  }
  return "en";
}

let current: Locale = "en";
const listeners = new Set<(l: Locale) => void>();

export const getLocale = (): Locale => current;

/** Switch the language; listeners re-render their text (nothing reloads). */
export function setLocale(locale: Locale): void {
  if (locale === current) return;
  current = locale;
  for (const fn of listeners) fn(locale);
}

/** Called after every switch; returns a function that stops it. */
export function onLocaleChange(fn: (l: Locale) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** `key` in the current language. */
export const t = (key: MessageKey, params?: Params): string => translate(current, key, params);

/** A `Text` in the current language. */
export const tt = (text: Text): string => t(text.key, text.params);

/** True for a string that is one of the dictionaries' keys (for data-i18n attributes). */
export const isKey = (s: string): s is MessageKey => Object.prototype.hasOwnProperty.call(en, s);
