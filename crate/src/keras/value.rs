//! What the names in a cell stand for, and the constant values Kiln can work out
//! (`maxlen = 500`, `vocab_size + 1`); anything else (`len(word_index) + 1`) stays unknown.

use std::collections::HashMap;

use super::expr::{Arg, Expr, Node};
use super::lexer::Pos;
use crate::error::KilnError;

/// A constant the cell computes.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    None,
    Seq(Vec<Value>),
}

impl Value {
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Self::Int(i) => Some(i as f64),
            Self::Float(f) => Some(f),
            _ => None,
        }
    }

    pub fn show(&self) -> String {
        match self {
            Self::Int(i) => i.to_string(),
            Self::Float(f) => f.to_string(),
            Self::Str(s) => format!("'{s}'"),
            Self::Bool(b) => if *b { "True" } else { "False" }.into(),
            Self::None => "None".into(),
            Self::Seq(items) => format!("({})", items.iter().map(Value::show).collect::<Vec<_>>().join(", ")),
        }
    }
}

/// What a name is bound to.
#[derive(Debug, Clone, PartialEq)]
pub enum Binding {
    Const(Value),
    /// An object built by a call or a list of them (a layer, optimizer, callback):
    /// read where it is used.
    Expr(Node),
    /// A tensor of a functional model (index into the interpreter's tensor list).
    Tensor(usize),
    /// A model (index into the interpreter's model list).
    Model(usize),
}

#[derive(Debug, Default)]
pub struct Env {
    pub names: HashMap<String, Binding>,
}

impl Env {
    /// The binding behind a `Name` node, following `a = b` aliases.
    pub fn lookup(&self, node: &Node) -> Option<&Binding> {
        let mut node = node;
        for _ in 0..16 {
            let Expr::Name(n) = &node.expr else { return None };
            match self.names.get(n)? {
                Binding::Expr(inner) if matches!(inner.expr, Expr::Name(_)) => node = inner,
                b => return Some(b),
            }
        }
        None
    }

    /// A node with names replaced by what they stand for (`callbacks` → `[es, mc]` → the calls).
    pub fn resolve<'a>(&'a self, node: &'a Node) -> &'a Node {
        match self.lookup(node) {
            Some(Binding::Expr(inner)) => inner,
            _ => node,
        }
    }

    /// `node` for messages: a name shows what it was set to (`num_words` (= `min(a, b)`)).
    pub fn describe(&self, node: &Node) -> String {
        match self.lookup(node) {
            Some(Binding::Expr(inner)) if inner.text != node.text => format!("`{}` (= `{}`)", node.text, inner.text),
            _ => format!("`{}`", node.text),
        }
    }

    /// The constant `node` computes, if Kiln can work it out.
    pub fn eval(&self, node: &Node) -> Option<Value> {
        self.eval_depth(node, 0)
    }

    fn eval_depth(&self, node: &Node, depth: usize) -> Option<Value> {
        if depth > 32 {
            return None;
        }
        let ev = |n: &Node| self.eval_depth(n, depth + 1);
        match &node.expr {
            Expr::Num(v, true) if v.abs() < 9.0e15 => Some(Value::Int(*v as i64)),
            Expr::Num(v, _) => Some(Value::Float(*v)),
            Expr::Str(s) => Some(Value::Str(s.clone())),
            Expr::Name(n) => match n.as_str() {
                "True" => Some(Value::Bool(true)),
                "False" => Some(Value::Bool(false)),
                "None" => Some(Value::None),
                _ => match self.names.get(n)? {
                    Binding::Const(v) => Some(v.clone()),
                    Binding::Expr(inner) => ev(inner),
                    _ => None,
                },
            },
            Expr::List(items) | Expr::Tuple(items) => items.iter().map(ev).collect::<Option<Vec<_>>>().map(Value::Seq),
            Expr::Neg(inner) => match ev(inner)? {
                Value::Int(i) => i.checked_neg().map(Value::Int),
                Value::Float(f) => Some(Value::Float(-f)),
                _ => None,
            },
            Expr::Binary(op, l, r) => arith(op, ev(l)?, ev(r)?),
            // `int(500)`, `float('1e-3')`: the only calls with a known value.
            Expr::Call(f, args) if args.len() == 1 && args[0].name.is_none() => match (&f.expr, ev(&args[0].value)?) {
                (Expr::Name(n), Value::Int(i)) if n == "int" => Some(Value::Int(i)),
                (Expr::Name(n), Value::Float(v)) if n == "int" => Some(Value::Int(v.trunc() as i64)),
                (Expr::Name(n), v) if n == "float" => v.as_f64().map(Value::Float),
                _ => None,
            },
            _ => None,
        }
    }
}

fn arith(op: &str, l: Value, r: Value) -> Option<Value> {
    use Value::{Float, Int};
    match (l, r) {
        (Int(a), Int(b)) => match op {
            "+" => a.checked_add(b).map(Int),
            "-" => a.checked_sub(b).map(Int),
            "*" => a.checked_mul(b).map(Int),
            // `checked_`: zero, and i64::MIN // -1, which overflows even in release builds.
            "//" => a.checked_div_euclid(b).map(Int),
            "%" => a.checked_rem_euclid(b).map(Int),
            "/" if b != 0 => Some(Float(a as f64 / b as f64)),
            "**" if (0..64).contains(&b) => a.checked_pow(b as u32).map(Int),
            _ => None,
        },
        (a, b) => {
            let (a, b) = (a.as_f64()?, b.as_f64()?);
            match op {
                "+" => Some(Float(a + b)),
                "-" => Some(Float(a - b)),
                "*" => Some(Float(a * b)),
                "/" => Some(Float(a / b)),
                "**" => Some(Float(a.powf(b))),
                _ => None,
            }
        }
    }
}

/// A `KilnError::Code` at `pos`.
pub fn code_error(pos: Pos, message: impl Into<String>) -> KilnError {
    KilnError::Code { line: pos.line, column: pos.column, message: message.into() }
}

/// The last name of a callee: `tf.keras.layers.LSTM` → `LSTM`.
pub fn callee_name(node: &Node) -> Option<&str> {
    match &node.expr {
        Expr::Name(n) => Some(n),
        Expr::Attr(_, a) => Some(a),
        _ => None,
    }
}

/// `f(args)` → (`f`'s node, args).
pub fn as_call(node: &Node) -> Option<(&Node, &[Arg])> {
    match &node.expr {
        Expr::Call(f, args) => Some((f, args)),
        _ => None,
    }
}
