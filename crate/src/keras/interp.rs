//! Walks a cell's statements in order: binds names, builds Sequential models
//! (`model.add`, `Sequential([...])`) and functional chains (`x = layer(x)`,
//! `Model(inputs, outputs)`), and hands `compile`/`fit`/preprocessing calls to `settings`.

use super::draft::Draft;
use super::expr::{Arg, Expr, Node};
use super::layer_read::{Read, read_layer};
use super::lexer::Pos;
use super::settings;
use super::stmt::Stmt;
use super::value::{Binding, Env, Value, as_call, callee_name, code_error};
use crate::dto::LayerConfig;
use crate::error::Result;

pub struct Model {
    pub layers: Vec<LayerConfig>,
    pub pos: Pos,
}

/// A tensor of a functional model: the layer that made it from its parent.
struct Tensor {
    parent: Option<usize>,
    layer: Option<LayerConfig>,
    name: String,
    pos: Pos,
    /// Where layers were applied to it (more than one: the model branches).
    consumers: Vec<Pos>,
}

pub struct Interp {
    pub env: Env,
    pub draft: Draft,
    pub models: Vec<Model>,
    tensors: Vec<Tensor>,
}

const FIT_ARGS: [&str; 5] = ["epochs", "batch_size", "validation_split", "validation_data", "callbacks"];

impl Interp {
    pub fn new(draft: Draft) -> Self {
        Self { env: Env::default(), draft, models: Vec::new(), tensors: Vec::new() }
    }

    pub fn run(&mut self, stmt: &Stmt) -> Result<()> {
        match stmt {
            Stmt::Skip => Ok(()),
            Stmt::Expr(node) => {
                self.object(node, "")?;
                self.calls(node)
            }
            Stmt::Assign(targets, value) => {
                let name = match targets.last().map(|t| &t.expr) {
                    Some(Expr::Name(n)) => n.clone(),
                    _ => String::new(),
                };
                let object = self.object(value, &name)?;
                self.calls(value)?;
                for target in targets {
                    self.bind(target, value, object.clone());
                }
                Ok(())
            }
        }
    }

    fn bind(&mut self, target: &Node, value: &Node, object: Option<Binding>) {
        match &target.expr {
            Expr::Name(n) => {
                let binding = object.or_else(|| match self.env.eval(value) {
                    Some(v) => Some(Binding::Const(v)),
                    None if matches!(value.expr, Expr::Call(..) | Expr::List(_) | Expr::Tuple(_) | Expr::Name(_)) => {
                        Some(Binding::Expr(value.clone()))
                    }
                    None => None,
                });
                match binding {
                    Some(b) => self.env.names.insert(n.clone(), b),
                    None => self.env.names.remove(n),
                };
            }
            Expr::Tuple(items) | Expr::List(items) => {
                for item in items {
                    if let Expr::Name(n) = &item.expr {
                        self.env.names.remove(n);
                    }
                }
            }
            _ => {}
        }
    }

    /// A model or tensor that `node` builds, if any.
    fn object(&mut self, node: &Node, name: &str) -> Result<Option<Binding>> {
        if let Some(b @ (Binding::Tensor(_) | Binding::Model(_))) = self.env.lookup(node) {
            return Ok(Some(b.clone()));
        }
        let Some((callee, args)) = as_call(node) else { return Ok(None) };
        match callee_name(callee) {
            Some("Sequential") => return self.sequential(node, args).map(Some),
            Some("Model" | "Functional") => return self.functional(node, args).map(Some),
            Some("Input") => {
                read_layer(node, &self.env, &mut self.draft)?;
                return Ok(Some(self.tensor(None, None, name, node.pos)));
            }
            _ => {}
        }
        // `layer(x)`: a layer call, or a name bound to one, applied to a tensor.
        let inputs: Vec<usize> = args.iter().flat_map(|a| self.tensors_in(&a.value)).collect();
        if inputs.is_empty() {
            return Ok(None);
        }
        let layer_node = self.env.resolve(callee).clone();
        let is_layer = matches!(as_call(&layer_node), Some((c, _)) if callee_name(c).is_some_and(|n| n.starts_with(char::is_uppercase)));
        let single = matches!(args, [Arg { name: None, value, .. }] if matches!(self.env.lookup(value), Some(Binding::Tensor(_))));
        let what = callee_name(callee).unwrap_or("this call");
        if !single {
            return Err(code_error(
                node.pos,
                format!("`{what}` combines several tensors: Kiln reads a linear chain of layers only"),
            ));
        }
        if !is_layer {
            return Err(code_error(
                node.pos,
                format!("`{what}` is not a Keras layer: Kiln reads a chain of layers only"),
            ));
        }
        let layer = match read_layer(&layer_node, &self.env, &mut self.draft)? {
            Read::Layer(l) => l,
            Read::Input => return Err(code_error(node.pos, "an Input layer cannot be applied to a tensor")),
        };
        self.tensors[inputs[0]].consumers.push(node.pos);
        Ok(Some(self.tensor(Some(inputs[0]), Some(layer), name, node.pos)))
    }

    fn tensor(&mut self, parent: Option<usize>, layer: Option<LayerConfig>, name: &str, pos: Pos) -> Binding {
        self.tensors.push(Tensor { parent, layer, name: name.to_string(), pos, consumers: Vec::new() });
        Binding::Tensor(self.tensors.len() - 1)
    }

    /// Tensors a value names: `x` or `[a, b]`.
    fn tensors_in(&self, node: &Node) -> Vec<usize> {
        match (&node.expr, self.env.lookup(node)) {
            (_, Some(Binding::Tensor(t))) => vec![*t],
            (Expr::List(items) | Expr::Tuple(items), _) => items.iter().flat_map(|i| self.tensors_in(i)).collect(),
            _ => Vec::new(),
        }
    }

    fn sequential(&mut self, node: &Node, args: &[Arg]) -> Result<Binding> {
        let mut layers = Vec::new();
        let list = args.iter().find(|a| a.name.is_none() || a.name.as_deref() == Some("layers"));
        if let Some(list) = list {
            let list = self.env.resolve(&list.value).clone();
            let Expr::List(items) = &list.expr else {
                return Err(code_error(list.pos, format!("Sequential() takes a list of layers, got `{}`", list.text)));
            };
            for item in items {
                if let Read::Layer(l) = read_layer(item, &self.env, &mut self.draft)? {
                    layers.push(l);
                }
            }
        }
        self.models.push(Model { layers, pos: node.pos });
        Ok(Binding::Model(self.models.len() - 1))
    }

    /// `Model(inputs, outputs)`: the layers on the path from `inputs` to `outputs`.
    fn functional(&mut self, node: &Node, args: &[Arg]) -> Result<Binding> {
        let pick = |index: usize, name: &str| {
            args.iter()
                .filter(|a| a.name.is_none())
                .nth(index)
                .or_else(|| args.iter().find(|a| a.name.as_deref() == Some(name)))
        };
        let one = |this: &Self, arg: Option<&Arg>, what: &str| -> Result<usize> {
            let arg = arg.ok_or_else(|| code_error(node.pos, format!("Model() needs {what}")))?;
            match this.tensors_in(&arg.value).as_slice() {
                [t] => Ok(*t),
                [] => {
                    Err(code_error(arg.pos, format!("Model {what} `{}` is not a tensor built above", arg.value.text)))
                }
                _ => Err(code_error(arg.pos, format!("Model has several {what}: Kiln reads one input and one output"))),
            }
        };
        let input = one(self, pick(0, "inputs"), "inputs")?;
        let output = one(self, pick(1, "outputs"), "outputs")?;
        let mut path = Vec::new();
        let mut t = output;
        while let Some(parent) = self.tensors[t].parent {
            path.push(t);
            t = parent;
        }
        if t != input {
            return Err(code_error(node.pos, "the model's outputs do not come from its inputs"));
        }
        path.push(input);
        path.reverse();
        for &t in &path[..path.len() - 1] {
            let tensor = &self.tensors[t];
            if let [_, second, ..] = tensor.consumers.as_slice() {
                let lines: Vec<String> = tensor.consumers.iter().map(|p| p.line.to_string()).collect();
                return Err(code_error(
                    *second,
                    format!(
                        "the model branches: `{}` (line {}) feeds {} layers (lines {}); Kiln reads a linear chain of layers only",
                        tensor.name,
                        tensor.pos.line,
                        lines.len(),
                        lines.join(", ")
                    ),
                ));
            }
        }
        let layers = path.iter().filter_map(|t| self.tensors[*t].layer.clone()).collect();
        self.models.push(Model { layers, pos: node.pos });
        Ok(Binding::Model(self.models.len() - 1))
    }

    /// Every call inside `node`: `model.add`, `compile`, `fit`, `Tokenizer`, `pad_sequences`, seeds.
    fn calls(&mut self, node: &Node) -> Result<()> {
        match &node.expr {
            Expr::Call(callee, args) => {
                self.call(node, callee, args)?;
                self.calls(callee)?;
                for a in args {
                    self.calls(&a.value)?;
                }
            }
            Expr::Attr(inner, _) | Expr::Neg(inner) => self.calls(inner)?,
            Expr::List(items) | Expr::Tuple(items) => {
                for item in items {
                    self.calls(item)?;
                }
            }
            Expr::Binary(_, l, r) => {
                self.calls(l)?;
                self.calls(r)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn call(&mut self, node: &Node, callee: &Node, args: &[Arg]) -> Result<()> {
        let receiver = match &callee.expr {
            Expr::Attr(recv, _) => Some(recv.as_ref()),
            _ => None,
        };
        let model = receiver.and_then(|r| match self.env.lookup(r) {
            Some(Binding::Model(m)) => Some(*m),
            _ => None,
        });
        let has_kw = |names: &[&str]| args.iter().any(|a| a.name.as_deref().is_some_and(|n| names.contains(&n)));
        match (callee_name(callee), receiver) {
            (Some("add"), Some(recv)) => {
                let first = args.first().map(|a| self.env.resolve(&a.value).clone());
                let layer_like = first
                    .as_ref()
                    .and_then(as_call)
                    .and_then(|(c, _)| callee_name(c))
                    .is_some_and(|n| n.starts_with(char::is_uppercase));
                match (model, first) {
                    (Some(m), Some(first)) => {
                        if let Read::Layer(l) = read_layer(&first, &self.env, &mut self.draft)? {
                            self.models[m].layers.push(l);
                        }
                    }
                    (None, Some(_)) if layer_like => {
                        return Err(code_error(
                            recv.pos,
                            format!(
                                "`{}` is not a Sequential model built above (e.g. `{} = Sequential()`)",
                                recv.text, recv.text
                            ),
                        ));
                    }
                    _ => {}
                }
            }
            (Some("compile"), Some(_)) if model.is_some() || has_kw(&["optimizer", "loss"]) => {
                settings::compile(node, args, &self.env, &mut self.draft)?;
            }
            (Some("fit"), Some(_)) if model.is_some() || has_kw(&FIT_ARGS) => {
                settings::fit(node, args, &self.env, &mut self.draft)?;
            }
            (Some(what @ ("Tokenizer" | "load_data")), _) => {
                settings::vocabulary(what, node, args, &self.env, &mut self.draft)
            }
            (Some("pad_sequences"), _) => settings::pad_sequences(node, args, &self.env, &mut self.draft)?,
            (Some("set_random_seed" | "set_seed"), _) => self.seed(args),
            (Some("seed"), Some(recv)) if recv.text.ends_with("random") => self.seed(args),
            _ => {}
        }
        Ok(())
    }

    fn seed(&mut self, args: &[Arg]) {
        if let Some(Value::Int(s)) = args.first().and_then(|a| self.env.eval(&a.value))
            && s >= 0
        {
            self.draft.config.seed = s as u64;
        }
    }
}
