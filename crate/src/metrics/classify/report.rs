//! scikit-learn's `classification_report` text (digits=2), character for character.

use crate::dto::ReportRow;

/// `rows`: per class, then `macro avg`, `weighted avg` (as `report_rows` makes them).
/// The `accuracy` line sits between the classes and the averages, as scikit-learn prints
/// it for binary and multi-class labels. Widths count characters, as Python's do.
pub(crate) fn report_text(rows: &[ReportRow], accuracy: f64) -> String {
    let width = rows.iter().map(|r| r.label.chars().count()).chain([12, 2]).max().unwrap_or(12);
    let line = |r: &ReportRow| {
        format!("{:>width$}  {:>9.2} {:>9.2} {:>9.2} {:>9}\n", r.label, r.precision, r.recall, r.f1, r.support)
    };
    let (classes, averages) = rows.split_at(rows.len().saturating_sub(2));
    let mut text = format!("{:>width$}  {:>9} {:>9} {:>9} {:>9}\n\n", "", "precision", "recall", "f1-score", "support");
    classes.iter().for_each(|r| text += &line(r));
    let support: usize = classes.iter().map(|r| r.support).sum();
    text += &format!("\n{:>width$}  {:>9} {:>9} {:>9.2} {:>9}\n", "accuracy", "", "", accuracy, support);
    averages.iter().for_each(|r| text += &line(r));
    text
}
