//! Reading one call's arguments by Keras name or position, with typed values and
//! errors that point at the argument (`Dense(units='ten')`, `LSTM(64, stateful=True)`).

use super::expr::{Arg, Node};
use super::lexer::Pos;
use super::value::{Env, Value, code_error};
use crate::dto::Activation;
use crate::error::Result;

pub struct CallArgs<'a> {
    /// The class or function, for messages (`Dense`).
    pub what: String,
    pub pos: Pos,
    args: &'a [Arg],
    used: Vec<bool>,
    known: Vec<&'static str>,
    pub env: &'a Env,
}

impl<'a> CallArgs<'a> {
    pub fn new(what: &str, pos: Pos, args: &'a [Arg], env: &'a Env) -> Self {
        Self { what: what.to_string(), pos, args, used: vec![false; args.len()], known: Vec::new(), env }
    }

    /// The argument given at position `index` or as `name=`.
    pub fn get(&mut self, index: Option<usize>, name: &'static str) -> Result<Option<&'a Arg>> {
        self.known.push(name);
        let positional = index.and_then(|i| {
            let k = self.args.iter().enumerate().filter(|(_, a)| a.name.is_none()).nth(i)?.0;
            Some(k)
        });
        let named = self.args.iter().position(|a| a.name.as_deref() == Some(name));
        if let (Some(_), Some(k)) = (positional, named) {
            return Err(code_error(
                self.args[k].pos,
                format!("{}() got `{name}` twice (by position and by name)", self.what),
            ));
        }
        Ok(positional.or(named).map(|k| {
            self.used[k] = true;
            &self.args[k]
        }))
    }

    /// The argument and its constant value (`None` when Kiln cannot work it out).
    pub fn value(&mut self, index: Option<usize>, name: &'static str) -> Result<Option<(&'a Node, Option<Value>)>> {
        Ok(self.get(index, name)?.map(|a| (&a.value, self.env.eval(&a.value))))
    }

    fn bad(&self, node: &Node, name: &str, want: &str, got: Option<&Value>) -> crate::error::KilnError {
        let got = match got {
            Some(v) => v.show(),
            None => format!("{}, which Kiln cannot work out", self.env.describe(node)),
        };
        code_error(node.pos, format!("`{name}` of {} must be {want}, got {got}", self.what))
    }

    pub fn usize(&mut self, index: Option<usize>, name: &'static str) -> Result<Option<usize>> {
        match self.value(index, name)? {
            None => Ok(None),
            Some((_, Some(Value::Int(i)))) if i > 0 => Ok(Some(i as usize)),
            Some((node, v)) => Err(self.bad(node, name, "a positive whole number", v.as_ref())),
        }
    }

    /// A whole number that may also be written as a one-element tuple (`kernel_size=(3,)`).
    pub fn usize_or_1tuple(&mut self, index: Option<usize>, name: &'static str) -> Result<Option<usize>> {
        match self.value(index, name)? {
            None => Ok(None),
            Some((_, Some(Value::Int(i)))) if i > 0 => Ok(Some(i as usize)),
            Some((_, Some(Value::Seq(s)))) if matches!(s.as_slice(), [Value::Int(i)] if *i > 0) => match s[0] {
                Value::Int(i) => Ok(Some(i as usize)),
                _ => Ok(None),
            },
            Some((node, v)) => Err(self.bad(node, name, "a positive whole number", v.as_ref())),
        }
    }

    pub fn f64_in(
        &mut self,
        index: Option<usize>,
        name: &'static str,
        ok: fn(f64) -> bool,
        want: &str,
    ) -> Result<Option<f64>> {
        match self.value(index, name)? {
            None => Ok(None),
            Some((node, v)) => match v.as_ref().and_then(Value::as_f64) {
                Some(x) if x.is_finite() && ok(x) => Ok(Some(x)),
                _ => Err(self.bad(node, name, want, v.as_ref())),
            },
        }
    }

    pub fn bool(&mut self, index: Option<usize>, name: &'static str) -> Result<Option<bool>> {
        match self.value(index, name)? {
            None => Ok(None),
            Some((_, Some(Value::Bool(b)))) => Ok(Some(b)),
            Some((node, v)) => Err(self.bad(node, name, "True or False", v.as_ref())),
        }
    }

    /// A string argument that must be one of `choices`.
    pub fn choice(&mut self, index: Option<usize>, name: &'static str, choices: &[&str]) -> Result<Option<String>> {
        match self.value(index, name)? {
            None => Ok(None),
            Some((_, Some(Value::Str(s)))) if choices.contains(&s.as_str()) => Ok(Some(s)),
            Some((node, v)) => Err(self.bad(node, name, &format!("one of '{}'", choices.join("', '")), v.as_ref())),
        }
    }

    /// `activation='relu'`, `activation=None`, or `activation=tf.nn.relu`.
    pub fn activation(&mut self, index: Option<usize>, name: &'static str) -> Result<Option<Activation>> {
        let Some((node, v)) = self.value(index, name)? else { return Ok(None) };
        let text = match (&v, super::value::callee_name(node)) {
            (Some(Value::Str(s)), _) => s.clone(),
            (Some(Value::None), _) => "linear".into(),
            (None, Some(attr)) => attr.to_string(),
            _ => String::new(),
        };
        Activation::parse(&text).map(Some).ok_or_else(|| {
            let names: Vec<&str> = Activation::ALL.iter().map(|a| a.name()).collect();
            code_error(
                node.pos,
                format!("unknown activation `{}` for {} (Kiln has: {})", node.text, self.what, names.join(", ")),
            )
        })
    }

    /// An argument Kiln reads past: returns it when given, so the caller can add a note.
    pub fn skip(&mut self, name: &'static str) -> Result<Option<&'a Arg>> {
        self.get(None, name)
    }

    /// An argument Kiln supports only at Keras' default value (`use_bias=True`).
    pub fn only_default(&mut self, name: &'static str, default: Value) -> Result<()> {
        if let Some((node, v)) = self.value(None, name)? {
            let same = match (&v, &default) {
                (Some(a), b) if a == b => true,
                (Some(a), b) => a.as_f64().is_some() && a.as_f64() == b.as_f64(),
                _ => false,
            };
            if !same {
                return Err(code_error(
                    node.pos,
                    format!(
                        "Kiln's {} supports only `{name}={}` (Keras' default), got `{}`",
                        self.what,
                        default.show(),
                        node.text
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Every argument must have been read: anything else is unknown to Kiln.
    pub fn finish(self) -> Result<()> {
        let positional = self.args.iter().zip(&self.used).filter(|(a, u)| a.name.is_none() && **u).count();
        for (arg, used) in self.args.iter().zip(&self.used) {
            if *used {
                continue;
            }
            let message = match &arg.name {
                None => format!("{}() takes {positional} positional argument(s) in Kiln; this one is extra", self.what),
                Some(n) if n == "**" => format!("{}(): Kiln cannot read `*`/`**` arguments", self.what),
                Some(n) => {
                    let mut known = self.known.clone();
                    known.dedup();
                    format!("unknown argument `{n}` of {} (Kiln reads: {})", self.what, known.join(", "))
                }
            };
            return Err(code_error(arg.pos, message));
        }
        Ok(())
    }
}
