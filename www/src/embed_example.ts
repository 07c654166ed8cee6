// www/embed-example.html: a course page that embeds Kiln twice, with an iframe
// and with <kiln-trainer>, and lists the messages it receives from each.
// Its own query goes on to both (`?backend=cpu&epochs=1`); `kiln=URL` loads the
// Kiln page from another address (to try an embed across origins).

import { eventName, originOf, parseToHost, TO_HOST_TYPES, type FromHost, type ToHost } from "./embed_protocol.js";
import type { KilnTrainer } from "./embed_element.js";

type Source = "frame" | "element";
/** Every message received, for the e2e test (tests/e2e/embed.mjs). */
const received: Record<Source, ToHost[]> = { frame: [], element: [] };
declare global {
  interface Window {
    hostEvents: Record<Source, ToHost[]>;
  }
}
window.hostEvents = received;

const byId = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`embed-example.html has no #${id}`);
  return e as T;
};

const own = new URLSearchParams(location.search);
const kilnPage = own.get("kiln");
own.delete("kiln");

/** One line per message, the latest progress in place. */
function show(source: Source, msg: ToHost): void {
  received[source].push(msg);
  const box = byId<HTMLOListElement>(`${source}-events`);
  const line = describe(msg);
  const last = box.lastElementChild;
  if (msg.type === "kiln:progress" && last?.getAttribute("data-type") === "kiln:progress") {
    last.textContent = line;
    return;
  }
  if (msg.type === "kiln:size" && last?.getAttribute("data-type") === "kiln:size") {
    last.textContent = line;
    return;
  }
  const li = document.createElement("li");
  li.dataset.type = msg.type;
  li.textContent = line;
  box.append(li);
  if (msg.type === "kiln:done") byId(`${source}-result`).textContent = `test accuracy ${(msg.test_accuracy * 100).toFixed(1)} %`;
}

function describe(m: ToHost): string {
  const f = (x: number): string => x.toFixed(4);
  switch (m.type) {
    case "kiln:ready":
      return `kiln:ready — ${m.presets.length} presets, autostart ${m.autostart}`;
    case "kiln:prepared":
      return `kiln:prepared — ${m.model} on ${m.data}: ${m.train_samples} train / ${m.test_samples} test texts, ${m.params} params`;
    case "kiln:progress":
      return `kiln:progress — epoch ${m.epoch}/${m.epochs}, step ${m.step}/${m.steps}, loss ${f(m.loss)}, accuracy ${f(m.accuracy)}`;
    case "kiln:epoch":
      return `kiln:epoch — ${m.epoch}/${m.epochs}: loss ${f(m.logs.loss)}, val_accuracy ${f(m.logs.val_accuracy)}`;
    case "kiln:done":
      return `kiln:done — test_accuracy ${f(m.test_accuracy)}, f1 ${f(m.f1)}, auc ${f(m.auc)}, ${m.seconds.toFixed(1)} s${m.stopped_early ? " (stopped)" : ""}`;
    case "kiln:error":
      return `kiln:error — ${m.message}`;
    case "kiln:size":
      return `kiln:size — ${m.height} px`;
  }
}

// ---- the iframe: the host page listens itself ------------------------------
const frame = byId<HTMLIFrameElement>("kiln-frame");
const frameSrc = new URL(kilnPage ?? frame.dataset.src ?? "../index.html", location.href);
const frameParams = new URLSearchParams(new URL(frame.dataset.src ?? "", location.href).search);
for (const [k, v] of own) frameParams.set(k, v);
frameSrc.search = frameParams.toString();
frame.src = frameSrc.href;
const frameOrigin = originOf(frame.src);
window.addEventListener("message", (e: MessageEvent) => {
  if (e.source !== frame.contentWindow || e.origin !== frameOrigin) return; // only Kiln's frame
  const msg = parseToHost(e.data);
  if (!msg) return;
  if (msg.type === "kiln:size") frame.style.height = `${msg.height}px`;
  show("frame", msg);
});
const toFrame = (msg: FromHost): void => frame.contentWindow?.postMessage(msg, frameOrigin ?? "/");
byId("frame-train").addEventListener("click", () => toFrame({ type: "kiln:train" }));
byId("frame-stop").addEventListener("click", () => toFrame({ type: "kiln:stop" }));

// ---- the element: attributes before kiln-embed.js defines it, then DOM events --
const trainer = byId<KilnTrainer>("kiln-element");
if (kilnPage) trainer.setAttribute("src", kilnPage);
for (const [k, v] of own) trainer.setAttribute(k === "model" ? "preset" : k, v);
for (const type of TO_HOST_TYPES) {
  trainer.addEventListener(eventName(type), (e) => show("element", (e as CustomEvent<ToHost>).detail));
}
byId("element-train").addEventListener("click", () => trainer.train());
byId("element-stop").addEventListener("click", () => trainer.stop());
byId("element-set").addEventListener("click", () => {
  const epochs = Number(byId<HTMLInputElement>("element-epochs").value);
  trainer.set({ preset: byId<HTMLSelectElement>("element-preset").value, epochs });
});
