// The ROC curve (with the chance diagonal) and the PR curve, each with the
// slider's threshold marked (two classes only). Titles and legends are drawn
// in the current language; the panel makes new charts after a switch.

import { t } from "../i18n.js";
import { curveColumns, fixed4, isBinary, operatingPoints } from "../evaluation.js";
import type { Evaluation } from "../protocol.js";
import { elId } from "./dom.js";
import { StaticPlot } from "./plot.js";

const MARK = "#d9480f";

export class CurveCharts {
  private readonly roc: StaticPlot;
  private readonly pr: StaticPlot;

  constructor(target: HTMLElement) {
    const rocBox = elId("div", "chart-roc", undefined, "chart");
    const prBox = elId("div", "chart-pr", undefined, "chart");
    target.replaceChildren(rocBox, prBox);
    this.roc = new StaticPlot(rocBox, {
      title: t("eval.rocTitle"),
      xLabel: t("eval.fpr"),
      unit: true,
      series: [
        { label: "ROC", stroke: "#1971c2" },
        { label: t("eval.chance"), stroke: "#868e96", width: 1, dash: [5, 4] },
        { label: t("eval.threshold"), stroke: MARK, marker: true },
      ],
    });
    this.pr = new StaticPlot(prBox, {
      title: t("eval.prTitle"),
      xLabel: "recall",
      unit: true,
      series: [
        { label: "precision", stroke: "#2f9e44" },
        { label: t("eval.threshold"), stroke: MARK, marker: true },
      ],
    });
  }

  destroy(): void {
    this.roc.destroy();
    this.pr.destroy();
  }

  update(e: Evaluation): void {
    const at = isBinary(e) ? operatingPoints(e) : null;
    const roc = curveColumns(e.roc, at?.roc ?? null, true);
    this.roc.setData(roc.xs, [roc.curve, roc.diagonal, roc.marker]);
    const pr = curveColumns(e.pr, at?.pr ?? null, false);
    this.pr.setData(pr.xs, [pr.curve, pr.marker]);
  }
}

/** "AUC 0.8123 · AP 0.7990" under the charts. */
export const curveCaption = (e: Evaluation): string => isBinary(e)
  ? t("eval.captionBinary", { auc: fixed4(e.auc), ap: fixed4(e.average_precision), threshold: e.threshold.toFixed(2) })
  : t("eval.captionMulti", { auc: fixed4(e.auc), ap: fixed4(e.average_precision) });
