// Layer lists from outside the page (the URL's `layers=` JSON), checked
// against the layer-spec table: known kinds, known arguments of the right
// type, missing arguments filled with the table's defaults. The Rust side
// checks shapes when it builds the model.

import type { LayerConfig } from "./layers.js";
import { defaultLayer, isLayerKind, LAYER_KINDS, setField, specOf } from "./layer_specs.js";

export type LayersResult = { ok: true; layers: LayerConfig[] } | { ok: false; error: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** One layer object, or why it is not one. `where`: "layer 2" for messages. */
export function readLayer(v: unknown, where: string): { ok: true; layer: LayerConfig } | { ok: false; error: string } {
  if (!isRecord(v)) return { ok: false, error: `${where}: not an object` };
  const kind = v["kind"];
  if (!isLayerKind(kind)) {
    return { ok: false, error: `${where}: unknown kind ${JSON.stringify(kind)} (${LAYER_KINDS.join(", ")})` };
  }
  let layer: LayerConfig = defaultLayer(kind);
  for (const [name, value] of Object.entries(v)) {
    if (name === "kind") continue;
    const field = specOf(kind).fields.find((f) => f.name === name);
    if (!field) return { ok: false, error: `${where} (${kind}): unknown argument ${name}` };
    if (field.type === "layer") {
      const inner = readLayer(value, `${where} (${kind}).${name}`);
      if (!inner.ok) return inner;
      const checked = setField(layer, name, inner.layer.kind);
      if (!checked.ok) return { ok: false, error: `${where} (${kind}): ${checked.error}` };
      layer = { ...checked.layer, [name]: inner.layer } as LayerConfig;
      continue;
    }
    const raw = typeof value === "number" || typeof value === "boolean" || typeof value === "string" ? String(value) : null;
    const edit = raw === null ? null : setField(layer, name, raw);
    if (edit === null) return { ok: false, error: `${where} (${kind}): ${name}: not a plain value` };
    if (!edit.ok) return { ok: false, error: `${where} (${kind}): ${edit.error}` };
    layer = edit.layer;
  }
  return { ok: true, layer };
}

/** A JSON layer list (`[{"kind": "embedding", "output_dim": 32}, …]`). */
export function parseLayers(text: string): LayersResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  if (!Array.isArray(value)) return { ok: false, error: "not a list of layers" };
  if (value.length === 0) return { ok: false, error: "the model has no layers" };
  const layers: LayerConfig[] = [];
  for (const [i, v] of value.entries()) {
    const r = readLayer(v, `layer ${i + 1}`);
    if (!r.ok) return r;
    layers.push(r.layer);
  }
  return { ok: true, layers };
}
