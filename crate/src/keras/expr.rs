//! A recursive-descent parser for the expressions and statements Keras cells use:
//! calls with positional and keyword arguments, attribute access, numbers, strings,
//! lists, tuples, arithmetic and assignments. Anything else (comprehensions, lambdas,
//! conditionals) is a parse error, which the caller ignores unless the line builds the model.

use super::lexer::{Pos, Tok, Token};

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(f64, bool),
    Str(String),
    Name(String),
    Attr(Box<Node>, String),
    Call(Box<Node>, Vec<Arg>),
    List(Vec<Node>),
    Tuple(Vec<Node>),
    Binary(&'static str, Box<Node>, Box<Node>),
    Neg(Box<Node>),
    /// `a[...]`, `{...}`, `*args`: read but never evaluated.
    Opaque,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub expr: Expr,
    pub pos: Pos,
    /// The source text, for messages (`len(word_index) + 1`).
    pub text: String,
}

/// One call argument: `name=value` when `name` is set.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: Option<String>,
    pub value: Node,
    pub pos: Pos,
}

/// A parse error: where, and what was expected.
pub type PResult<T> = Result<T, (Pos, String)>;

pub fn describe(t: &Tok) -> String {
    match t {
        Tok::Name(n) => format!("`{n}`"),
        Tok::Num(v, _) => format!("number `{v}`"),
        Tok::Str(s) => format!("string {s:?}"),
        Tok::Op(o) => format!("`{o}`"),
        Tok::Error(m) => m.clone(),
    }
}

/// Brackets and operators nest at most this deep (Python's own parser stops at 200): deeper
/// code would overflow the stack of the recursive descent.
pub const MAX_NESTING: usize = 100;

pub struct Parser<'a> {
    pub toks: &'a [Token],
    pub i: usize,
    /// `factor` calls in progress: every nesting path goes through it.
    pub depth: usize,
}

impl Parser<'_> {
    pub fn peek_op(&self) -> Option<&'static str> {
        match self.toks.get(self.i).map(|t| &t.tok) {
            Some(Tok::Op(o)) => Some(o),
            _ => None,
        }
    }

    pub fn next_is_op(&self, k: usize, op: &str) -> bool {
        matches!(self.toks.get(self.i + k).map(|t| &t.tok), Some(Tok::Op(o)) if *o == op)
    }

    fn pos(&self) -> Pos {
        self.toks.get(self.i).or(self.toks.last()).map(|t| t.pos).unwrap_or_default()
    }

    fn fail<T>(&self, what: &str) -> PResult<T> {
        match self.toks.get(self.i) {
            Some(Token { tok: Tok::Error(m), pos }) => Err((*pos, m.clone())),
            Some(t) => Err((t.pos, format!("expected {what}, found {}", describe(&t.tok)))),
            None => {
                let end = self.toks.last().map(|t| t.pos).unwrap_or_default();
                Err((end, format!("expected {what} at the end of the line")))
            }
        }
    }

    /// The source text of tokens `from..self.i`, for messages.
    fn node(&self, from: usize, expr: Expr) -> Node {
        let pos = self.toks.get(from).map(|t| t.pos).unwrap_or_default();
        let mut text = String::new();
        for (k, t) in self.toks[from..self.i].iter().enumerate() {
            let glue = matches!(t.tok, Tok::Op("(" | ")" | "[" | "]" | "." | ","))
                || (k > 0 && matches!(self.toks[from + k - 1].tok, Tok::Op("(" | "[" | ".")));
            if k > 0 && !glue {
                text.push(' ');
            }
            text.push_str(&match &t.tok {
                Tok::Name(n) => n.clone(),
                Tok::Num(v, _) => v.to_string(),
                Tok::Str(s) => format!("'{s}'"),
                Tok::Op(o) => o.to_string(),
                Tok::Error(_) => "?".into(),
            });
            if matches!(t.tok, Tok::Op(",")) {
                text.push(' ');
            }
        }
        Node { expr, pos, text: text.replace("  ", " ") }
    }

    /// `a, b` (a tuple without brackets) or one expression.
    pub fn tuple_or_expr(&mut self) -> PResult<Node> {
        let from = self.i;
        let first = self.expr()?;
        if self.peek_op() != Some(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.peek_op() == Some(",") {
            self.i += 1;
            if self.i >= self.toks.len() || self.peek_op() == Some("=") {
                break;
            }
            items.push(self.expr()?);
        }
        Ok(self.node(from, Expr::Tuple(items)))
    }

    fn expr(&mut self) -> PResult<Node> {
        let from = self.i;
        let left = self.arith()?;
        if let Some(op @ ("==" | "!=" | "<" | ">" | "<=" | ">=")) = self.peek_op() {
            self.i += 1;
            let right = self.arith()?;
            return Ok(self.node(from, Expr::Binary(op, Box::new(left), Box::new(right))));
        }
        Ok(left)
    }

    fn binary_level(&mut self, ops: &[&'static str], next: fn(&mut Self) -> PResult<Node>) -> PResult<Node> {
        let from = self.i;
        let mut left = next(self)?;
        while let Some(op) = self.peek_op().filter(|o| ops.contains(o)) {
            self.i += 1;
            let right = next(self)?;
            left = self.node(from, Expr::Binary(op, Box::new(left), Box::new(right)));
        }
        Ok(left)
    }

    fn arith(&mut self) -> PResult<Node> {
        self.binary_level(&["+", "-"], Self::term)
    }

    fn term(&mut self) -> PResult<Node> {
        self.binary_level(&["*", "/", "//", "%", "@"], Self::factor)
    }

    fn factor(&mut self) -> PResult<Node> {
        if self.depth >= MAX_NESTING {
            let pos = self.pos();
            return Err((pos, format!("brackets or operators nested more than {MAX_NESTING} deep: simplify this line")));
        }
        self.depth += 1;
        let node = self.factor_inner();
        self.depth -= 1;
        node
    }

    fn factor_inner(&mut self) -> PResult<Node> {
        let from = self.i;
        match self.peek_op() {
            Some("-") => {
                self.i += 1;
                let inner = self.factor()?;
                Ok(self.node(from, Expr::Neg(Box::new(inner))))
            }
            Some("+") => {
                self.i += 1;
                self.factor()
            }
            _ => {
                let base = self.postfix()?;
                if self.peek_op() == Some("**") {
                    self.i += 1;
                    let exp = self.factor()?;
                    return Ok(self.node(from, Expr::Binary("**", Box::new(base), Box::new(exp))));
                }
                Ok(base)
            }
        }
    }

    fn postfix(&mut self) -> PResult<Node> {
        let from = self.i;
        let mut node = self.atom()?;
        loop {
            match self.peek_op() {
                Some(".") => {
                    self.i += 1;
                    let Some(Tok::Name(attr)) = self.toks.get(self.i).map(|t| &t.tok) else {
                        return self.fail("a name after `.`");
                    };
                    let attr = attr.clone();
                    self.i += 1;
                    node = self.node(from, Expr::Attr(Box::new(node), attr));
                }
                Some("(") => {
                    self.i += 1;
                    let args = self.call_args()?;
                    node = self.node(from, Expr::Call(Box::new(node), args));
                }
                Some("[") => {
                    self.skip_brackets()?;
                    node = self.node(from, Expr::Opaque);
                }
                _ => return Ok(node),
            }
        }
    }

    /// Skip `[...]` or `{...}` (subscripts, dicts): the lexer already checked the brackets.
    fn skip_brackets(&mut self) -> PResult<()> {
        let mut depth = 0usize;
        while let Some(t) = self.toks.get(self.i) {
            self.i += 1;
            match t.tok {
                Tok::Op("(" | "[" | "{") => depth += 1,
                Tok::Op(")" | "]" | "}") => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Ok(());
                    }
                }
                Tok::Error(ref m) => return Err((t.pos, m.clone())),
                _ => {}
            }
        }
        self.fail("a closing bracket")
    }

    /// After `(`: `a, b, name=c, *rest, **kw)`.
    fn call_args(&mut self) -> PResult<Vec<Arg>> {
        let mut args = Vec::new();
        while self.peek_op() != Some(")") {
            let pos = self.pos();
            if matches!(self.peek_op(), Some("*" | "**")) {
                self.i += 1;
                let from = self.i - 1;
                self.expr()?;
                args.push(Arg { name: Some("**".into()), value: self.node(from, Expr::Opaque), pos });
            } else if let (Some(Tok::Name(n)), true) = (self.toks.get(self.i).map(|t| &t.tok), self.next_is_op(1, "="))
            {
                let name = n.clone();
                self.i += 2;
                args.push(Arg { name: Some(name), value: self.expr()?, pos });
            } else {
                args.push(Arg { name: None, value: self.expr()?, pos });
            }
            if self.peek_op() == Some(",") {
                self.i += 1;
            } else if self.peek_op() != Some(")") {
                return self.fail("`,` or `)` after an argument");
            }
        }
        self.i += 1;
        Ok(args)
    }

    /// `(a, b)` or `[a, b]` items up to the closing bracket; `trailing` says a comma ended them.
    fn items(&mut self, close: &str) -> PResult<(Vec<Node>, bool)> {
        let mut items = Vec::new();
        let mut trailing = false;
        while self.peek_op() != Some(close) {
            items.push(self.expr()?);
            trailing = false;
            if self.peek_op() == Some(",") {
                self.i += 1;
                trailing = true;
            } else if self.peek_op() != Some(close) {
                return self.fail(&format!("`,` or `{close}`"));
            }
        }
        self.i += 1;
        Ok((items, trailing))
    }

    fn atom(&mut self) -> PResult<Node> {
        let from = self.i;
        let Some(t) = self.toks.get(self.i) else { return self.fail("a value") };
        let expr = match &t.tok {
            Tok::Name(n) if matches!(n.as_str(), "lambda" | "not" | "yield" | "await") => return self.fail("a value"),
            Tok::Name(n) => {
                self.i += 1;
                Expr::Name(n.clone())
            }
            Tok::Num(v, int) => {
                self.i += 1;
                Expr::Num(*v, *int)
            }
            Tok::Str(s) => {
                let mut s = s.clone();
                self.i += 1;
                while let Some(Tok::Str(more)) = self.toks.get(self.i).map(|t| &t.tok) {
                    s.push_str(more);
                    self.i += 1;
                }
                Expr::Str(s)
            }
            Tok::Op("(") => {
                self.i += 1;
                let (items, trailing) = self.items(")")?;
                if items.len() == 1 && !trailing {
                    let inner = items.into_iter().next().map(|n| n.expr).unwrap_or(Expr::Opaque);
                    return Ok(self.node(from, inner));
                }
                Expr::Tuple(items)
            }
            Tok::Op("[") => {
                self.i += 1;
                Expr::List(self.items("]")?.0)
            }
            Tok::Op("{") => {
                self.skip_brackets()?;
                Expr::Opaque
            }
            _ => return self.fail("a value"),
        };
        Ok(self.node(from, expr))
    }
}
