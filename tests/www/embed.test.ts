// The embed's message protocol and URL keys (www/src/embed_protocol.ts): options,
// the settings query the page parses, origins, host commands, run events → messages,
// the element's iframe address.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  acceptOrigin, DEFAULT_HIDDEN, doneMessage, eventName, frameUrl, fromRunEvent, mergeSettings, parseEmbedOptions,
  parseFromHost, parseToHost, postProgress, settingsQuery, targetOrigin, TO_HOST_TYPES, withEmbedKeys, type DoneMetrics,
} from "../../www/src/embed_protocol.js";
import type { RunEvent } from "../../www/src/protocol.js";
import { parseSettings } from "../../www/src/url_state.js";

test("embed options: embed=, the frame default, hide=, host=", () => {
  const cases: [string, boolean, { embed: boolean; hide: string[]; host: string | null; errors: number }][] = [
    ["", false, { embed: false, hide: [...DEFAULT_HIDDEN], host: null, errors: 0 }],
    ["", true, { embed: true, hide: [...DEFAULT_HIDDEN], host: null, errors: 0 }],
    ["?embed=1", false, { embed: true, hide: [...DEFAULT_HIDDEN], host: null, errors: 0 }],
    ["?embed=0", true, { embed: false, hide: [...DEFAULT_HIDDEN], host: null, errors: 0 }],
    ["?embed=maybe", true, { embed: true, hide: [...DEFAULT_HIDDEN], host: null, errors: 1 }],
    ["?hide=", true, { embed: true, hide: [], host: null, errors: 0 }],
    ["?hide=code,%20data,,log", true, { embed: true, hide: ["code", "data", "log"], host: null, errors: 0 }],
    ["?hide=code,sidebar", true, { embed: true, hide: ["code"], host: null, errors: 1 }],
    ["?host=https://course.example", true, { embed: true, hide: [...DEFAULT_HIDDEN], host: "https://course.example", errors: 0 }],
    ["?host=http://127.0.0.1:8080", true, { embed: true, hide: [...DEFAULT_HIDDEN], host: "http://127.0.0.1:8080", errors: 0 }],
    ["?host=*", true, { embed: true, hide: [...DEFAULT_HIDDEN], host: "*", errors: 0 }],
    ["?host=https://course.example/week3", true, { embed: true, hide: [...DEFAULT_HIDDEN], host: null, errors: 1 }],
    ["?host=course.example", true, { embed: true, hide: [...DEFAULT_HIDDEN], host: null, errors: 1 }],
    ["?host=javascript:alert(1)", true, { embed: true, hide: [...DEFAULT_HIDDEN], host: null, errors: 1 }],
  ];
  for (const [search, inFrame, want] of cases) {
    const o = parseEmbedOptions(search, inFrame);
    assert.deepEqual({ embed: o.embed, hide: o.hide, host: o.host, errors: o.errors.length }, want, `${search} in frame ${inFrame}`);
  }
  assert.match(parseEmbedOptions("?hide=sidebar", true).errors[0]!, /sidebar.*setup, model, code/);
});

test("the settings query: embed keys left out, preset= is model=, and the page then parses it without errors", () => {
  const cases: [string, string][] = [
    ["", ""],
    ["?embed=1&hide=code&host=*", ""],
    ["?preset=m2_cnn&epochs=2&embed=1&autostart=1", "?epochs=2&autostart=1&model=m2_cnn"],
    ["?model=m1_lstm&preset=m2_cnn", "?model=m1_lstm"],
  ];
  for (const [search, want] of cases) assert.equal(settingsQuery(search), want, search);
  const presets = [
    { name: "m1_lstm", title: "", source: "", config: CONFIG },
    { name: "m2_cnn", title: "", source: "", config: { ...CONFIG, model: "m2_cnn", epochs: 10 } },
  ];
  const parsed = parseSettings(settingsQuery("?embed=1&preset=m2_cnn&epochs=2&hide=code&host=*&autostart=1"), presets);
  assert.deepEqual(parsed.errors, []);
  assert.equal(parsed.settings.model, "m2_cnn");
  assert.equal(parsed.settings.epochs, 2);
  assert.equal(parsed.settings.autostart, true);
  // without settingsQuery the page would refuse the embed's keys (and not autostart)
  assert.ok(parseSettings("?embed=1&preset=m2_cnn", presets).errors.length >= 2);
});

test("origins: messages go to the host (or the page's own origin); commands only from there", () => {
  assert.equal(targetOrigin(null), "/");
  assert.equal(targetOrigin("https://course.example"), "https://course.example");
  assert.equal(targetOrigin("*"), "*");
  const own = "http://127.0.0.1:8080";
  const cases: [string, string | null, boolean][] = [
    [own, null, true],
    ["http://localhost:8080", null, false],
    ["null", null, false],
    ["https://course.example", "https://course.example", true],
    [own, "https://course.example", false],
    ["https://evil.example", "https://course.example", false],
    ["https://anything.example", "*", true],
  ];
  for (const [origin, host, want] of cases) assert.equal(acceptOrigin(origin, host, own), want, `${origin} with host ${host}`);
  // a page on an opaque origin (file://) accepts no command, not even from another opaque origin
  assert.equal(acceptOrigin("null", null, "null"), false);
});

test("host commands: train, stop, set; not Kiln's: ignored; malformed: an error", () => {
  assert.deepEqual(parseFromHost({ type: "kiln:train" }), { ok: true, command: { type: "kiln:train" } });
  assert.deepEqual(parseFromHost({ type: "kiln:stop", extra: 1 }), { ok: true, command: { type: "kiln:stop" } });
  assert.deepEqual(parseFromHost({ type: "kiln:set", settings: { epochs: 2, preset: "m2_cnn", shuffle: false, clipnorm: null } }), {
    ok: true,
    command: { type: "kiln:set", settings: { epochs: 2, preset: "m2_cnn", shuffle: false, clipnorm: null } },
  });
  for (const other of [null, undefined, 3, "kiln:train", [], {}, { type: 1 }, { type: "webpackOk" }, { type: "kiln:progress" }]) {
    assert.equal(parseFromHost(other), null, JSON.stringify(other));
  }
  const bad: [unknown, RegExp][] = [
    [{ type: "kiln:set" }, /settings/],
    [{ type: "kiln:set", settings: [1] }, /settings/],
    [{ type: "kiln:set", settings: { layers: [{ kind: "dense" }] } }, /layers should be a string/],
    [{ type: "kiln:fit" }, /unknown command/],
  ];
  for (const [data, want] of bad) {
    const r = parseFromHost(data);
    assert.ok(r && !r.ok, JSON.stringify(data));
    assert.match(r.error, want);
  }
});

test("kiln:set merges into the page's query; the embed's own keys and autostart cannot be set", () => {
  const cur = "?data=imdb-1k&model=custom&layers=%5B%5D&epochs=3&autostart=1";
  const r = mergeSettings(cur, { preset: "m1_lstm", epochs: 1, shuffle: false, clipnorm: "", host: "*", autostart: true });
  assert.equal(r.query, "?data=imdb-1k&model=m1_lstm&epochs=1&shuffle=0");
  assert.deepEqual(r.errors.length, 2);
  assert.match(r.errors.join(" "), /host.*autostart/);
  assert.deepEqual(mergeSettings("", {}), { query: "", errors: [] });
});

test("the page's address after an edit keeps the embed's keys (a reload keeps hide= and host=), not autostart", () => {
  const cases: [string, string, string][] = [
    ["?data=imdb-1k&epochs=2", "?embed=1&hide=code&host=*&preset=m1_lstm&autostart=1", "?data=imdb-1k&epochs=2&embed=1&hide=code&host=*"],
    ["?data=imdb-1k", "?hide=", "?data=imdb-1k&hide="],
    ["?data=imdb-1k", "?model=m1_lstm", "?data=imdb-1k"],
  ];
  for (const [query, current, want] of cases) assert.equal(withEmbedKeys(query, current), want, current);
});

const CONFIG = {
  model: "m1_lstm", data: "imdb-1k" as const, layers: [], num_words: 5000, maxlen: 500, padding: "pre" as const,
  truncating: "pre" as const, batch_size: 64, epochs: 3, optimizer: { kind: "adam" as const, learning_rate: 0.001 },
  loss: "binary_crossentropy" as const, validation_split: 0, test_split: 0.2, shuffle: true,
  text: { tokens: "word" as const, lower: true, filters: "!", normalize: "html" as const, reserved: false }, seed: 1,
};

test("run events become the host's messages", () => {
  const run = { run: 4, epochs: 2, model: "m4_pooled", data: "imdb-1k" };
  const summary = { rows: [], total_params: 160289, trainable_params: 160289, non_trainable_params: 0 };
  const events: [RunEvent, unknown][] = [
    [
      { type: "prepared", train_samples: 1000, val_samples: 250, test_samples: 250, steps_per_epoch: 16, vocab_size: 5000, num_classes: 2, summary },
      { type: "kiln:prepared", run: 4, model: "m4_pooled", data: "imdb-1k", train_samples: 1000, val_samples: 250, test_samples: 250, steps_per_epoch: 16, params: 160289 },
    ],
    [
      { type: "step", epoch: 1, step: 3, steps: 16, loss: 0.69, accuracy: 0.5, batch_loss: 0.7, batch_accuracy: 0.4 },
      { type: "kiln:progress", run: 4, epoch: 1, epochs: 2, step: 3, steps: 16, loss: 0.69, accuracy: 0.5 },
    ],
    [
      { type: "epoch", epoch: 1, loss: 0.6, accuracy: 0.7, val_loss: 0.5, val_accuracy: 0.8, learning_rate: 0.001, notes: ["x"] },
      { type: "kiln:epoch", run: 4, epoch: 1, epochs: 2, logs: { loss: 0.6, accuracy: 0.7, val_loss: 0.5, val_accuracy: 0.8, learning_rate: 0.001 } },
    ],
  ];
  for (const [ev, want] of events) assert.deepEqual(fromRunEvent(ev, run), want, ev.type);
  const result: DoneMetrics & { ms_per_step_median: number } = {
    run: 4, model: "m4_pooled", data: "imdb-1k", backend: "cpu", epochs: 2, test_loss: 0.4, test_accuracy: 0.81, f1: 0.8,
    auc: 0.88, params: 160289, seconds: 3.2, history: { loss: [0.6], accuracy: [0.7], val_loss: [0.5], val_accuracy: [0.8] },
    ms_per_step_median: 12,
  };
  const done = doneMessage(result, true);
  assert.equal(done.type, "kiln:done");
  assert.ok(done.type === "kiln:done" && done.test_accuracy === 0.81 && done.stopped_early && done.history.loss[0] === 0.6);
  assert.ok(!("ms_per_step_median" in done), "only the documented fields");
  // the element relays what the page posts, and nothing else
  assert.deepEqual(parseToHost(done), done);
  for (const other of [null, { type: "kiln:train" }, { type: "progress" }, "kiln:done"]) assert.equal(parseToHost(other), null);
});

test("progress is thinned to one message per 100 ms, keeping each epoch's first and last step", () => {
  const cases: [number, number, number, boolean][] = [
    [1, 16, 0, true],
    [2, 16, 5, false],
    [3, 16, 100, true],
    [16, 16, 1, true],
  ];
  for (const [step, steps, since, want] of cases) assert.equal(postProgress(step, steps, since), want, `${step}/${steps} after ${since} ms`);
});

test("DOM event names and the element's iframe address", () => {
  assert.deepEqual(TO_HOST_TYPES.map(eventName), ["kiln-ready", "kiln-prepared", "kiln-progress", "kiln-epoch", "kiln-done", "kiln-error", "kiln-size"]);
  const attrs: [string, string][] = [
    ["id", "k"], ["class", "wide"], ["preset", "m1_lstm"], ["epochs", "2"], ["hide", "code"], ["autostart", ""],
    ["height", "600"], ["data-x", "1"], ["aria-label", "Kiln"], ["backend", "cpu"],
  ];
  const url = frameUrl("https://kiln.example/app/index.html?seed=7", attrs, "https://course.example");
  const u = new URL(url);
  assert.equal(u.origin + u.pathname, "https://kiln.example/app/index.html");
  assert.deepEqual(Object.fromEntries(u.searchParams), {
    seed: "7", embed: "1", host: "https://course.example", model: "m1_lstm", epochs: "2", hide: "code", autostart: "1", backend: "cpu",
  });
  const plain = new URL(frameUrl("https://kiln.example/index.html", [["autostart", "false"]], "null"));
  assert.deepEqual(Object.fromEntries(plain.searchParams), { embed: "1" });
});
