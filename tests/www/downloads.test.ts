// The downloads' pure builders: www/src/history_csv.ts (Keras' CSVLogger file)
// and www/src/plot_svg.ts (the curves as SVG).
import assert from "node:assert/strict";
import { test } from "node:test";
import { historyCsv, pythonFloat } from "../../www/src/history_csv.js";
import { chartsSvg, escapeXml, niceTicks, type SvgPanel } from "../../www/src/plot_svg.js";

test("numbers are written as Python's repr (what CSVLogger writes)", () => {
  // (value, Python 3's repr(value)), e.g. `python3 -c "print(repr(1e-05))"`
  const cases: [number, string][] = [
    [0.6931471824645996, "0.6931471824645996"], [0.5, "0.5"], [1, "1.0"], [0, "0.0"], [-2, "-2.0"],
    [0.0001, "0.0001"], [0.00005, "5e-05"], [1.5e-7, "1.5e-07"], [123456.789, "123456.789"],
    [1e15, "1000000000000000.0"], [1e16, "1e+16"], [2.5e22, "2.5e+22"], [-3.25e-10, "-3.25e-10"],
    [NaN, "nan"], [Infinity, "inf"], [-Infinity, "-inf"],
  ];
  for (const [x, want] of cases) assert.equal(pythonFloat(x), want, String(x));
});

test("the history CSV has CSVLogger's columns: epoch from 0, then the metrics sorted", () => {
  const h = { loss: [0.69, 0.5], accuracy: [0.51, 0.8], val_loss: [0.6, 0.55], val_accuracy: [0.7, 0.75] };
  const csv = historyCsv(h);
  const lines = csv.split("\r\n");
  assert.equal(lines[0], "epoch,accuracy,loss,val_accuracy,val_loss");
  assert.equal(lines[1], "0,0.51,0.69,0.7,0.6");
  assert.equal(lines[2], "1,0.8,0.5,0.75,0.55");
  assert.equal(lines.length, 4, "two rows and the final line end");
  assert.equal(lines[3], "");
  // the file reads back to the history
  const [head, ...rows] = csv.trimEnd().split("\r\n").map((l) => l.split(","));
  for (const [j, key] of head!.entries()) {
    if (key === "epoch") continue;
    assert.deepEqual(rows.map((r) => Number(r[j])), h[key as keyof typeof h], key);
  }
});

test("the history CSV: no epochs is a header; a metric missing at an epoch is NA; other metrics are kept", () => {
  assert.equal(historyCsv({ loss: [], accuracy: [], val_loss: [], val_accuracy: [] }), "epoch,accuracy,loss,val_accuracy,val_loss\r\n");
  const csv = historyCsv({ loss: [1, 0.5], learning_rate: [0.001, 0.0005], val_loss: [0.9] });
  assert.deepEqual(csv.trimEnd().split("\r\n"), ["epoch,learning_rate,loss,val_loss", "0,0.001,1.0,0.9", "1,0.0005,0.5,NA"]);
});

test("nice ticks are round and cover the range", () => {
  const cases: [number, number, number, number[]][] = [
    [0, 10, 5, [0, 2, 4, 6, 8, 10]],
    [0.31, 0.72, 5, [0.4, 0.5, 0.6, 0.7]],
    [1, 300, 8, [50, 100, 150, 200, 250, 300]],
    [0.5, 0.5, 5, [0.5]],
  ];
  for (const [lo, hi, n, want] of cases) assert.deepEqual(niceTicks(lo, hi, n), want, `${lo}..${hi}`);
  assert.deepEqual(niceTicks(NaN, 1), []);
});

/** Tags of an XML text, checked to nest; the elements found by name with their attributes. */
function parseXml(text: string): { name: string; attrs: Record<string, string> }[] {
  const body = text.replace(/^<\?xml[^>]*\?>\s*/, "");
  const stack: string[] = [];
  const elements: { name: string; attrs: Record<string, string> }[] = [];
  const tag = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let at = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const between = body.slice(at, m.index);
    assert.ok(!/[<>]/.test(between), `stray markup before offset ${m.index}: ${between.slice(0, 40)}`);
    assert.ok(!/&(?!(amp|lt|gt|quot|apos);)/.test(between), `unescaped & in text: ${between}`);
    at = tag.lastIndex;
    const [, close, name, rawAttrs, selfClose] = m;
    if (close) {
      assert.equal(stack.pop(), name, `</${name}> closes the open element`);
      continue;
    }
    const attrs = Object.fromEntries([...rawAttrs!.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]));
    elements.push({ name: name!, attrs });
    if (!selfClose) stack.push(name!);
  }
  assert.equal(body.slice(at).trim(), "", "nothing after the root");
  assert.deepEqual(stack, [], "every element is closed");
  return elements;
}

const panel = (title: string, ys: (number | null)[], val: (number | null)[]): SvgPanel => ({
  title,
  xLabel: "step",
  xs: ys.map((_, i) => i + 1),
  series: [
    { label: "batch_loss", stroke: "#d9480f55", width: 1, ys },
    { label: "val_loss", stroke: "#1971c2", width: 2, dash: [6, 4], points: true, ys: val },
  ],
});

test("the SVG is well-formed, with a polyline per drawn series, markers, axes and a legend", () => {
  const svg = chartsSvg([panel("Loss", [0.9, 0.7, 0.5, 0.4], [null, 0.8, null, 0.6]), panel("Accuracy <&>", [0.5, 0.6, 0.7, 0.8], [null, null, null, null])], { width: 600, height: 300 });
  const els = parseXml(svg);
  assert.equal(els[0]!.name, "svg");
  assert.equal(els[0]!.attrs["viewBox"], "0 0 600 600", "two panels stacked");
  const polylines = els.filter((e) => e.name === "polyline");
  assert.deepEqual(polylines.map((p) => p.attrs["data-label"]), ["batch_loss", "val_loss", "batch_loss"], "a series with no value draws nothing");
  const first = polylines[0]!;
  assert.equal(first.attrs["stroke"], "#d9480f");
  assert.equal(first.attrs["stroke-opacity"], "0.333", "#rrggbbaa becomes stroke-opacity");
  const pts = first.attrs["points"]!.split(" ").map((p) => p.split(",").map(Number));
  assert.equal(pts.length, 4);
  for (const [x, y] of pts) assert.ok(x! >= 0 && x! <= 600 && y! >= 0 && y! <= 300, `inside the first panel: ${x},${y}`);
  assert.ok(pts.every((p, i) => i === 0 || (p[0]! > pts[i - 1]![0]! && p[1]! > pts[i - 1]![1]!)), "x grows, a falling loss goes down the page");
  const val = polylines[1]!;
  assert.equal(val.attrs["points"]!.split(" ").length, 2, "nulls are skipped");
  assert.equal(val.attrs["stroke-dasharray"], "6 4");
  assert.equal(els.filter((e) => e.name === "circle").length, 2, "a marker per val_loss point");
  const texts = svg.match(/<text[^>]*>([^<]*)<\/text>/g)!.map((t) => t.replace(/<[^>]+>/g, ""));
  for (const want of ["Loss", "Accuracy &lt;&amp;&gt;", "step", "batch_loss", "val_loss"]) assert.ok(texts.includes(want), `text ${want}: ${texts.join("|")}`);
  assert.ok(texts.filter((t) => /^\d/.test(t)).length >= 6, "tick labels on both axes");
  assert.equal(escapeXml(`a"b'c`), "a&quot;b&apos;c");
});

test("an empty chart says so instead of drawing", () => {
  const els = parseXml(chartsSvg([panel("Loss", [], [])]));
  assert.equal(els.filter((e) => e.name === "polyline").length, 0);
  assert.ok(chartsSvg([panel("Loss", [], [])]).includes(">no data</text>"));
});
