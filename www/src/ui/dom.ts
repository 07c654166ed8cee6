// Small DOM helpers. Text from data always goes in with textContent.

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no #${id}`);
  return el as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** A table row of cells: `th` for the first when `header`. */
export function row(cells: readonly string[], cellTag: "td" | "th" = "td"): HTMLTableRowElement {
  const tr = el("tr");
  for (const c of cells) tr.append(el(cellTag, c));
  return tr;
}

export const fmtInt = (n: number): string => n.toLocaleString("en-US");

/** `el` with an id (for tests and labels). */
export function elId<K extends keyof HTMLElementTagNameMap>(tag: K, id: string, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = el(tag, text, className);
  node.id = id;
  return node;
}
