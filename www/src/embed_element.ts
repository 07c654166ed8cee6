// <kiln-trainer>: Kiln in another page with one tag (bundled as www/dist/kiln-embed.js).
//
//   <script type="module" src="https://HOST/kiln/www/dist/kiln-embed.js"></script>
//   <kiln-trainer preset="m1_lstm" epochs="2" hide="code" autostart height="600"></kiln-trainer>
//
// It makes the iframe (the page at `src`, by default ../../index.html from this
// script), passes its attributes on as the page's URL settings, relays the page's
// messages as DOM events (`kiln-progress`, `kiln-done`, …; the message is
// `event.detail`) and has train(), stop() and set({…}) for the host's script.

import { eventName, frameUrl, originOf, parseToHost, type FromHost } from "./embed_protocol.js";

/** Where the page is when `src` is not given: the repository root, two folders above dist/. */
const DEFAULT_SRC = new URL("../../index.html", import.meta.url).href;

export class KilnTrainer extends HTMLElement {
  /** The iframe, once the element is in the document. */
  iframe: HTMLIFrameElement | null = null;
  private readonly onMessage = (e: MessageEvent): void => this.relay(e);

  connectedCallback(): void {
    if (this.iframe) return;
    const src = new URL(this.getAttribute("src") ?? DEFAULT_SRC, location.href).href;
    const frame = document.createElement("iframe");
    const attrs = [...this.attributes].map((a) => [a.name, a.value] as const);
    frame.src = frameUrl(src, attrs, location.origin);
    frame.title = this.getAttribute("title") ?? "Kiln: train a text classifier";
    frame.style.border = "0";
    frame.style.display = "block";
    frame.style.width = this.getAttribute("width") ?? "100%";
    const height = this.getAttribute("height") ?? "auto";
    frame.style.height = height === "auto" ? "600px" : /^\d+$/.test(height) ? `${height}px` : height;
    if (this.getAttribute("loading") === "lazy") frame.loading = "lazy";
    this.iframe = frame;
    window.addEventListener("message", this.onMessage);
    this.append(frame);
  }

  disconnectedCallback(): void {
    window.removeEventListener("message", this.onMessage);
    this.iframe?.remove();
    this.iframe = null;
  }

  /** Start a run with the settings the page shows (as its Train button). */
  train(): void {
    this.send({ type: "kiln:train" });
  }

  /** Stop the run after its current step (as the Stop button): `kiln-done` follows. */
  stop(): void {
    this.send({ type: "kiln:stop" });
  }

  /** Change settings between runs, with the URL's keys: `set({preset: "m4_pooled", epochs: 3})`. */
  set(settings: Record<string, string | number | boolean | null>): void {
    this.send({ type: "kiln:set", settings });
  }

  private get pageOrigin(): string | null {
    return this.iframe ? originOf(this.iframe.src) : null;
  }

  private send(msg: FromHost): void {
    const origin = this.pageOrigin;
    if (this.iframe?.contentWindow && origin) this.iframe.contentWindow.postMessage(msg, origin);
  }

  /** The page's messages (from this iframe and its origin only) as DOM events on the element. */
  private relay(e: MessageEvent): void {
    if (!this.iframe || e.source !== this.iframe.contentWindow || e.origin !== this.pageOrigin) return;
    const msg = parseToHost(e.data);
    if (!msg) return;
    if (msg.type === "kiln:size" && (this.getAttribute("height") ?? "auto") === "auto") {
      this.iframe.style.height = `${msg.height}px`;
    }
    this.dispatchEvent(new CustomEvent(eventName(msg.type), { detail: msg, bubbles: true, composed: true }));
  }
}

if (!customElements.get("kiln-trainer")) customElements.define("kiln-trainer", KilnTrainer);

declare global {
  interface HTMLElementTagNameMap {
    "kiln-trainer": KilnTrainer;
  }
}
