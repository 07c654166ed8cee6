//! `fit(callbacks=[…], class_weight=…)`: EarlyStopping, ModelCheckpoint and
//! ReduceLROnPlateau objects, and class weights given as a dict or computed with
//! scikit-learn's `compute_class_weight('balanced', …)`.

use super::args::CallArgs;
use super::draft::Draft;
use super::expr::{Expr, Node};
use super::lexer::{Tok, logical_lines};
use super::value::{Binding, Env, Value, as_call, callee_name, code_error};
use crate::dto::{Checkpoint, ClassWeight, EarlyStopping, Mode, Monitor, ReduceLr};
use crate::error::Result;

/// One item of `callbacks=[…]`.
pub fn callback(node: &Node, env: &Env, d: &mut Draft) -> Result<()> {
    let Some((callee, args)) = as_call(node) else {
        return Err(code_error(node.pos, format!("callback `{}` is not one Kiln can read", node.text)));
    };
    let class = callee_name(callee).unwrap_or("?");
    let mut a = CallArgs::new(class, node.pos, args, env);
    match class {
        "EarlyStopping" => {
            let monitor = read_monitor(&mut a, Some(0))?;
            let min_delta = a.f64_in(Some(1), "min_delta", |m| m >= 0.0, "a number ≥ 0")?.unwrap_or(0.0);
            let patience = whole(&mut a, Some(2), "patience")?.unwrap_or(0);
            a.skip("verbose")?;
            let mode = read_mode(&mut a, None)?;
            let restore_best_weights = a.bool(None, "restore_best_weights")?.unwrap_or(false);
            a.only_default("baseline", Value::None)?;
            a.only_default("start_from_epoch", Value::Int(0))?;
            d.config.early_stopping = Some(EarlyStopping { monitor, mode, patience, min_delta, restore_best_weights });
        }
        "ModelCheckpoint" => {
            let path = a.get(Some(0), "filepath")?.map_or_else(String::new, |p| format!(" `{}`", p.value.text));
            let monitor = read_monitor(&mut a, Some(1))?;
            a.skip("verbose")?;
            let save_best_only = a.bool(Some(3), "save_best_only")?.unwrap_or(false);
            a.skip("save_weights_only")?;
            let mode = read_mode(&mut a, Some(5))?;
            a.only_default("save_freq", Value::Str("epoch".into()))?;
            a.only_default("initial_value_threshold", Value::None)?;
            let note = format!("ModelCheckpoint holds the weights in the page, not in{path}: restore them when done");
            d.note(node.pos, note);
            d.config.checkpoint = Some(Checkpoint { monitor, mode, save_best_only });
        }
        "ReduceLROnPlateau" => {
            let defaults = ReduceLr::default();
            let monitor = read_monitor(&mut a, Some(0))?;
            let factor = a.f64_in(Some(1), "factor", |f| f > 0.0 && f < 1.0, "a number in (0, 1)")?;
            let patience = whole(&mut a, Some(2), "patience")?;
            a.skip("verbose")?;
            let mode = read_mode(&mut a, Some(4))?;
            let min_delta = a.f64_in(Some(5), "min_delta", |m| m >= 0.0, "a number ≥ 0")?;
            let cooldown = whole(&mut a, Some(6), "cooldown")?;
            let min_lr = a.f64_in(Some(7), "min_lr", |m| m >= 0.0, "a number ≥ 0")?;
            d.config.reduce_lr = Some(ReduceLr {
                monitor,
                mode,
                factor: factor.unwrap_or(defaults.factor),
                patience: patience.unwrap_or(defaults.patience),
                min_delta: min_delta.unwrap_or(defaults.min_delta),
                cooldown: cooldown.unwrap_or(0),
                min_lr: min_lr.unwrap_or(0.0),
            });
        }
        "TensorBoard" | "CSVLogger" | "ProgbarLogger" | "History" => {
            d.note(node.pos, format!("{class} is ignored: the page draws the curves"));
            return Ok(());
        }
        _ => {
            return Err(code_error(
                callee.pos,
                format!("unknown callback `{class}` (Kiln reads EarlyStopping, ModelCheckpoint, ReduceLROnPlateau)"),
            ));
        }
    }
    a.finish()
}

/// `patience=3`: a whole number ≥ 0.
fn whole(a: &mut CallArgs, index: Option<usize>, name: &'static str) -> Result<Option<usize>> {
    match a.value(index, name)? {
        Some((_, Some(Value::Int(p)))) if p >= 0 => Ok(Some(p as usize)),
        Some((v, value)) => Err(code_error(
            v.pos,
            format!("`{name}` must be a whole number ≥ 0, got {}", value.map_or(v.text.clone(), |x| x.show())),
        )),
        None => Ok(None),
    }
}

/// A callback's `mode='auto' | 'min' | 'max'`.
fn read_mode(a: &mut CallArgs, index: Option<usize>) -> Result<Mode> {
    Ok(match a.choice(index, "mode", &["auto", "min", "max"])?.as_deref() {
        Some("min") => Mode::Min,
        Some("max") => Mode::Max,
        _ => Mode::Auto,
    })
}

/// `monitor='val_loss'` (Keras' default); Keras 2's `val_acc` is `val_accuracy`.
fn read_monitor(a: &mut CallArgs, index: Option<usize>) -> Result<Monitor> {
    let Some((node, value)) = a.value(index, "monitor")? else { return Ok(Monitor::ValLoss) };
    let Some(Value::Str(name)) = value else {
        return Err(code_error(node.pos, format!("`monitor` must be a string such as 'val_loss', got `{}`", node.text)));
    };
    let val = name.starts_with("val_");
    match (val, name.trim_start_matches("val_")) {
        (true, "loss") => Ok(Monitor::ValLoss),
        (false, "loss") => Ok(Monitor::Loss),
        (true, "acc" | "accuracy" | "binary_accuracy" | "categorical_accuracy") => Ok(Monitor::ValAccuracy),
        (false, "acc" | "accuracy" | "binary_accuracy" | "categorical_accuracy") => Ok(Monitor::Accuracy),
        _ => Err(code_error(
            node.pos,
            format!("Kiln's {} monitors val_loss, val_accuracy, loss or accuracy, not '{name}'", a.what),
        )),
    }
}

/// `class_weight={0: 1.0, 1: 3.0}`, `dict(enumerate([1.0, 3.0]))`, or anything built on
/// `compute_class_weight('balanced', …)`; `None` when Kiln cannot work it out (with a note).
pub fn class_weight(node: &Node, env: &Env, d: &mut Draft) -> Result<Option<ClassWeight>> {
    let node = env.resolve(node);
    if balanced(node, env, 0) {
        return Ok(Some(ClassWeight::Balanced));
    }
    let given = match (&node.expr, as_call(node)) {
        (Expr::Opaque, _) if node.text.starts_with('{') => dict(&node.text, env),
        (_, Some((f, [arg]))) if callee_name(f) == Some("dict") => match as_call(env.resolve(&arg.value)) {
            Some((g, [list])) if callee_name(g) == Some("enumerate") => match env.eval(&list.value) {
                Some(Value::Seq(items)) => items.iter().map(Value::as_f64).collect::<Option<Vec<_>>>(),
                _ => None,
            },
            _ => None,
        },
        _ if env.eval(node) == Some(Value::None) => return Ok(None),
        (Expr::Str(_), _) => {
            let balanced = "dict(enumerate(compute_class_weight('balanced', classes=np.unique(y_train), y=y_train)))";
            let message = format!("class_weight is a dict in Keras ({{0: 1.0, 1: 3.0}}); for balanced use {balanced}");
            return Err(code_error(node.pos, message));
        }
        _ => None,
    };
    match given {
        Some(w) if !w.is_empty() && w.iter().all(|v| v.is_finite() && *v >= 0.0) => Ok(Some(ClassWeight::Given(w))),
        _ => {
            let text = env.describe(node);
            d.note(node.pos, format!("class_weight {text} is not a dict of numbers Kiln can work out: ignored"));
            Ok(None)
        }
    }
}

/// Whether `node` (following names and call arguments) calls `compute_class_weight('balanced', …)`.
fn balanced(node: &Node, env: &Env, depth: usize) -> bool {
    let node = env.resolve(node);
    let Some((f, args)) = as_call(node) else { return false };
    if depth > 8 {
        return false;
    }
    if callee_name(f) == Some("compute_class_weight") {
        let is_balanced = |a: &super::expr::Arg| env.eval(&a.value) == Some(Value::Str("balanced".into()));
        return args.iter().any(|a| is_balanced(a) && a.name.as_deref().is_none_or(|n| n == "class_weight"));
    }
    args.iter().any(|a| balanced(&a.value, env, depth + 1))
}

/// `{0: 1.0, 1: 3.0}` (from its source text) → one weight per class; a class
/// missing below the largest key weighs 1, as in Keras.
fn dict(text: &str, env: &Env) -> Option<Vec<f64>> {
    let toks: Vec<Tok> = logical_lines(text).into_iter().flatten().map(|t| t.tok).collect();
    let inner = toks.strip_prefix(&[Tok::Op("{")])?.strip_suffix(&[Tok::Op("}")])?;
    let number = |t: &[Tok]| match t {
        [Tok::Num(v, _)] => Some(*v),
        [Tok::Op("-"), Tok::Num(v, _)] => Some(-v),
        [Tok::Name(n)] => match env.names.get(n) {
            Some(Binding::Const(v)) => v.as_f64(),
            _ => None,
        },
        _ => None,
    };
    let mut weights = Vec::new();
    for entry in inner.split(|t| *t == Tok::Op(",")).filter(|e| !e.is_empty()) {
        let colon = entry.iter().position(|t| *t == Tok::Op(":"))?;
        let (key, value) = (number(&entry[..colon])?, number(&entry[colon + 1..])?);
        if key < 0.0 || key.fract() != 0.0 || key > 1_000.0 {
            return None;
        }
        let k = key as usize;
        if weights.len() <= k {
            weights.resize(k + 1, 1.0);
        }
        weights[k] = value;
    }
    Some(weights)
}
