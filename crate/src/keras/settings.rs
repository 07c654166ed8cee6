//! `Tokenizer`, `pad_sequences`, `compile(...)`, `fit(...)` and the optimizer objects
//! → the run's settings (`fit`'s callbacks and class weights: `callbacks`).

use super::args::CallArgs;
use super::callbacks;
use super::draft::Draft;
use super::expr::{Arg, Expr, Node};
use super::value::{Env, Value, as_call, callee_name, code_error};
use crate::dto::{Loss, OptimizerConfig, Padding};
use crate::error::Result;

/// `Tokenizer(num_words=…)` or `imdb.load_data(num_words=…)`; a Tokenizer's other arguments
/// are the run's text settings (`tokenizer::read`).
pub fn vocabulary(what: &str, node: &Node, args: &[Arg], env: &Env, d: &mut Draft) {
    if what == "Tokenizer" {
        super::tokenizer::read(node, args, env, d);
    }
    let given =
        args.iter().find(|a| a.name.as_deref() == Some("num_words") || (what == "Tokenizer" && a.name.is_none()));
    match given.map(|a| (&a.value, env.eval(&a.value))) {
        Some((_, Some(Value::Int(n)))) if n >= 2 => d.num_words = Some(n as usize),
        Some((_, Some(Value::None))) | None if what == "Tokenizer" => {
            d.note(node.pos, "Tokenizer without num_words keeps every word: Kiln needs a vocabulary size")
        }
        Some((v, _)) => d.note(v.pos, format!("num_words {} is not a constant Kiln can work out", env.describe(v))),
        None => {}
    }
}

/// `pad_sequences(seqs, maxlen=…, padding=…, truncating=…, value=…)`.
pub fn pad_sequences(node: &Node, args: &[Arg], env: &Env, d: &mut Draft) -> Result<()> {
    let mut a = CallArgs::new("pad_sequences", node.pos, args, env);
    a.get(Some(0), "sequences")?;
    match a.value(Some(1), "maxlen")? {
        Some((_, Some(Value::Int(n)))) if n > 0 => d.pad_maxlen = Some(n as usize),
        Some((v, _)) => {
            d.note(v.pos, format!("pad_sequences maxlen {} is not a constant Kiln can work out", env.describe(v)))
        }
        None => {}
    }
    a.skip("dtype")?;
    let side = |s: Option<String>| s.map(|s| if s == "post" { Padding::Post } else { Padding::Pre });
    if let Some(p) = side(a.choice(Some(3), "padding", &["pre", "post"])?) {
        d.config.padding = p;
    }
    if let Some(t) = side(a.choice(Some(4), "truncating", &["pre", "post"])?) {
        d.config.truncating = t;
    }
    if let Some((v, value)) = a.value(Some(5), "value")?
        && value != Some(Value::Int(0))
    {
        d.note(v.pos, format!("pad value `{}`: Kiln pads with 0", v.text));
    }
    a.finish()
}

/// `model.compile(optimizer=…, loss=…, metrics=…)`.
pub fn compile(node: &Node, args: &[Arg], env: &Env, d: &mut Draft) -> Result<()> {
    d.saw_compile = true;
    let mut a = CallArgs::new("compile", node.pos, args, env);
    let (optimizer, clipnorm, clipvalue) = match a.get(Some(0), "optimizer")? {
        Some(arg) => optimizer(env.resolve(&arg.value), env)?,
        None => (OptimizerConfig::named("rmsprop")?, None, None),
    };
    d.config.optimizer = optimizer;
    d.config.clipnorm = clipnorm;
    d.config.clipvalue = clipvalue;
    if let Some(arg) = a.get(Some(1), "loss")? {
        d.config.loss = loss(env.resolve(&arg.value), env)?;
    }
    if let Some(m) = a.skip("metrics")? {
        d.note(m.pos, "metrics are ignored: Kiln reports loss and accuracy");
    }
    for quiet in ["run_eagerly", "jit_compile", "steps_per_execution"] {
        a.skip(quiet)?;
    }
    a.finish()
}

fn loss(node: &Node, env: &Env) -> Result<Loss> {
    let name = match (env.eval(node), as_call(node)) {
        (Some(Value::Str(s)), _) => s,
        (_, Some((callee, args))) => {
            let class = callee_name(callee).unwrap_or("?");
            let mut a = CallArgs::new(class, node.pos, args, env);
            a.only_default("from_logits", Value::Bool(false))?;
            a.skip("name")?;
            a.finish()?;
            snake_case(class)
        }
        _ => snake_case(callee_name(node).unwrap_or(&node.text)),
    };
    Loss::parse(&name).map_err(|e| code_error(node.pos, e.to_string().replace("invalid setting `loss`: ", "")))
}

/// `BinaryCrossentropy` → `binary_crossentropy`.
fn snake_case(class: &str) -> String {
    let mut out = String::new();
    for (i, c) in class.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

type Optimizer = (OptimizerConfig, Option<f64>, Option<f64>);

/// `'adam'`, or `Adam(learning_rate=1e-3, clipnorm=1.0)` / `optimizers.RMSprop(lr=…)`.
fn optimizer(node: &Node, env: &Env) -> Result<Optimizer> {
    let bad_name = |name: &str| {
        code_error(node.pos, format!("unknown optimizer `{name}` (Kiln has: {})", OptimizerConfig::NAMES.join(", ")))
    };
    if let Some(Value::Str(s)) = env.eval(node) {
        return OptimizerConfig::named(&s).map(|o| (o, None, None)).map_err(|_| bad_name(&s));
    }
    let Some((callee, args)) = as_call(node) else {
        return Err(code_error(node.pos, format!("optimizer `{}` is not one Kiln can read", node.text)));
    };
    let class = callee_name(callee).unwrap_or("?");
    let mut opt = OptimizerConfig::named(class).map_err(|_| bad_name(class))?;
    let mut a = CallArgs::new(class, node.pos, args, env);
    let positive = |x: f64| x > 0.0;
    let lr = a.f64_in(Some(0), "learning_rate", positive, "a positive number")?;
    let old_lr = a.f64_in(None, "lr", positive, "a positive number")?;
    if let Some(lr) = lr.or(old_lr) {
        opt.set_learning_rate(lr);
    }
    let unit = |x: f64| (0.0..1.0).contains(&x);
    match &mut opt {
        OptimizerConfig::Adam { .. } => {
            a.only_default("beta_1", Value::Float(0.9))?;
            a.only_default("beta_2", Value::Float(0.999))?;
            a.only_default("epsilon", Value::Float(1e-7))?;
            a.only_default("amsgrad", Value::Bool(false))?;
        }
        OptimizerConfig::Rmsprop { rho, momentum, .. } => {
            *rho = a.f64_in(Some(1), "rho", unit, "a number in [0, 1)")?.unwrap_or(*rho);
            *momentum = a.f64_in(Some(2), "momentum", unit, "a number in [0, 1)")?.unwrap_or(0.0);
            a.only_default("epsilon", Value::Float(1e-7))?;
            a.only_default("centered", Value::Bool(false))?;
        }
        OptimizerConfig::Sgd { momentum, nesterov, .. } => {
            *momentum = a.f64_in(Some(1), "momentum", unit, "a number in [0, 1)")?.unwrap_or(0.0);
            *nesterov = a.bool(Some(2), "nesterov")?.unwrap_or(false);
        }
        OptimizerConfig::Adagrad { .. } => {
            a.only_default("initial_accumulator_value", Value::Float(0.1))?;
            a.only_default("epsilon", Value::Float(1e-7))?;
        }
    }
    let clipnorm = a.f64_in(None, "clipnorm", positive, "a positive number")?;
    let clipvalue = a.f64_in(None, "clipvalue", positive, "a positive number")?;
    a.skip("name")?;
    a.finish()?;
    Ok((opt, clipnorm, clipvalue))
}

/// `model.fit(x, y, batch_size=…, epochs=…, validation_split=… | validation_data=…, shuffle=…,
/// callbacks=[…], class_weight=…)`.
pub fn fit(node: &Node, args: &[Arg], env: &Env, d: &mut Draft) -> Result<()> {
    d.saw_fit = true;
    let mut a = CallArgs::new("fit", node.pos, args, env);
    a.get(Some(0), "x")?;
    a.get(Some(1), "y")?;
    d.config.batch_size = a.usize(Some(2), "batch_size")?.unwrap_or(32);
    d.config.epochs = a.usize(Some(3), "epochs")?.unwrap_or(1);
    a.skip("verbose")?;
    let split = a.f64_in(None, "validation_split", |v| (0.0..1.0).contains(&v), "a number in [0, 1)")?;
    let data = a.skip("validation_data")?;
    d.config.validation_split = split.unwrap_or(0.0);
    if split.is_none() && data.is_none() {
        d.note(node.pos, "fit() has no validation: Kiln validates on the test set after each epoch");
    }
    d.config.shuffle = a.bool(None, "shuffle")?.unwrap_or(true);
    (d.config.early_stopping, d.config.checkpoint, d.config.reduce_lr) = (None, None, None);
    if let Some(arg) = a.get(None, "callbacks")? {
        let list = env.resolve(&arg.value);
        let items: Vec<&Node> = match &list.expr {
            Expr::List(items) | Expr::Tuple(items) => items.iter().collect(),
            _ => vec![list],
        };
        for item in items {
            callbacks::callback(env.resolve(item), env, d)?;
        }
    }
    d.config.class_weight = match a.get(None, "class_weight")? {
        Some(arg) => callbacks::class_weight(&arg.value, env, d)?,
        None => None,
    };
    a.finish()
}
