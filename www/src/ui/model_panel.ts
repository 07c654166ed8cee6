// The model side of the page: preset picker, settings form, layer editor,
// live summary and Keras code box, kept consistent with each other and the URL.

import { Latest, type WasmCalls } from "../calls.js";
import type { MultiClass } from "../data_view.js";
import type { LayerConfig, Loss, Preset, RunConfig, Summary } from "../protocol.js";
import {
  basePreset, CUSTOM, KEPT_ACROSS_PRESETS, OPTIMIZERS, sameLayers, settingsFromConfig, toRunConfig, type Settings,
} from "../settings.js";
import { withEmbedKeys } from "../embed_protocol.js";
import { serializeSettings, type Key } from "../url_state.js";
import { CodeBox } from "./code_box.js";
import { byId } from "./dom.js";
import { FitOptions } from "./fit_options.js";
import { ConfigForm } from "./form.js";
import { LayerEditor } from "./layer_editor.js";
import { renderAccuracy } from "./presets.js";
import { renderSummary, renderSummaryError, renderSummaryPending } from "./summary.js";

export type Read = { ok: true; settings: Settings; config: RunConfig } | { ok: false; errors: string[] };

export class ModelPanel {
  private presets: readonly Preset[] = [];
  /** Where arguments the settings do not hold come from: the preset, or the last code read. */
  private base: RunConfig | null = null;
  private layerErrors: string[] = [];
  private readonly yours = new Map<string, number>();
  private readonly form = new ConfigForm(byId<HTMLFormElement>("config"), (key) => this.onInput(key));
  private readonly editor = new LayerEditor(byId("layer-editor"), (_, errors) => this.onLayers(errors));
  private readonly summaryBox = byId("summary");
  private readonly accuracyBox = byId("preset-accuracy");
  private readonly summaries: Latest<Summary>;
  private readonly code: CodeBox;

  constructor(
    private readonly calls: WasmCalls,
    /** The settings the page shows changed (and read as a valid RunConfig). */
    private readonly onConfig: (config: RunConfig) => void = () => {},
  ) {
    this.summaries = new Latest((r) => {
      if (r.ok) renderSummary(this.summaryBox, r.value);
      else renderSummaryError(this.summaryBox, "This model cannot be built:", [r.error]);
    });
    new FitOptions(byId<HTMLFormElement>("config"));
    this.code = new CodeBox({ build: (text) => this.buildFromCode(text), show: () => this.showCode() });
  }

  /** The presets arrived: show `settings` (from the URL). */
  ready(presets: readonly Preset[], settings: Settings): void {
    this.presets = presets;
    this.form.setPresets(presets);
    this.show(settings, settings.model === CUSTOM ? null : basePreset(settings.model, presets).config);
  }

  /** The settings and RunConfig the page shows, or what does not parse. */
  read(): Read {
    const r = this.form.read(this.editor.get());
    const errors = [...r.errors, ...this.layerErrors];
    if (!r.settings || errors.length > 0) return { ok: false, errors };
    return { ok: true, settings: r.settings, config: toRunConfig(r.settings, this.presets, this.base ?? undefined) };
  }

  /** A finished run's test accuracy, shown as "Yours" next to that model. */
  recordResult(model: string, accuracy: number): void {
    this.yours.set(model, accuracy);
    this.showAccuracy();
  }

  /** Set one setting as if typed (the data view's "Use maxlen", a file chosen). */
  set(key: Key, value: string): void {
    this.form.set(key, value);
    this.onInput(key);
  }

  /** End the model in Dense(k, softmax) with a categorical loss (data with k > 2 classes). */
  useMultiClass(m: MultiClass): void {
    this.setLayers(m.layers, m.loss);
  }

  /** Replace the layers (and the loss) as if edited: the word vectors panel's "Use in the model". */
  setLayers(layers: readonly LayerConfig[], loss?: Loss): void {
    this.editor.set(layers);
    if (loss) this.form.set("loss", loss);
    this.onLayers([]);
  }

  setEnabled(enabled: boolean): void {
    this.form.setEnabled(enabled);
    this.editor.setEnabled(enabled);
    this.code.setEnabled(enabled);
  }

  private show(settings: Settings, base: RunConfig | null): void {
    const preset = this.presets.find((p) => p.name === settings.model);
    if (!preset || !sameLayers(preset.config.layers, settings.layers)) settings.model = CUSTOM;
    this.base = base;
    this.form.fill(settings);
    this.editor.set(settings.layers);
    this.layerErrors = [];
    this.showAccuracy();
    this.refresh();
  }

  private onInput(key: Key): void {
    if (key === "model") {
      const name = this.form.value("model");
      const preset = this.presets.find((p) => p.name === name);
      if (!preset) return this.refresh(); // "custom": keep everything
      const keep = this.read();
      const settings = settingsFromConfig(preset.config);
      if (keep.ok) for (const key of KEPT_ACROSS_PRESETS) Object.assign(settings, { [key]: keep.settings[key] });
      return this.show(settings, preset.config);
    }
    if (key === "optimizer") {
      const name = this.form.value("optimizer") as keyof typeof OPTIMIZERS;
      if (name in OPTIMIZERS) this.form.set("lr", String(OPTIMIZERS[name].learning_rate));
    }
    this.refresh();
  }

  private onLayers(errors: string[]): void {
    this.layerErrors = errors;
    const preset = this.presets.find((p) => p.name === this.form.value("model"));
    if (preset && !sameLayers(preset.config.layers, this.editor.get())) this.form.set("model", CUSTOM);
    this.showAccuracy();
    this.refresh();
  }

  /** Rebuild the summary and the address for what the page now shows. */
  private refresh(): void {
    const r = this.read();
    if (!r.ok) {
      renderSummaryError(this.summaryBox, "Fix these first:", r.errors);
      return;
    }
    const preset = settingsFromConfig(basePreset(r.settings.model, this.presets).config);
    history.replaceState(null, "", withEmbedKeys(serializeSettings({ ...r.settings, autostart: false }, preset), location.search));
    this.onConfig(r.config);
    renderSummaryPending(this.summaryBox);
    this.summaries.request(() => this.calls.call({ fn: "summarize", config: r.config }));
  }

  private showAccuracy(): void {
    const name = this.form.value("model");
    const preset = this.presets.find((p) => p.name === name) ?? null;
    renderAccuracy(this.accuracyBox, preset, this.yours.get(name));
  }

  private async buildFromCode(text: string): Promise<string[]> {
    const r = this.read();
    const base = r.ok ? r.config : (this.base ?? basePreset(CUSTOM, this.presets).config);
    const parsed = await this.calls.call({ fn: "parseKeras", text, base });
    const backend = r.ok ? r.settings.backend : "auto";
    this.show(settingsFromConfig(parsed.config, backend), parsed.config);
    return parsed.notes;
  }

  private async showCode(): Promise<string> {
    const r = this.read();
    if (!r.ok) throw new Error(`Fix these first: ${r.errors.join("; ")}`);
    return this.calls.call({ fn: "toKeras", config: r.config });
  }

  /** The layers the editor shows (for tests and the code box). */
  layers(): LayerConfig[] {
    return this.editor.get();
  }
}
