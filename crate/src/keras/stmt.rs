//! Statements: `a = b = value`, `a, b = value`, `x += 1`, expression lines, and the
//! keyword lines (`import`, `def`, `for`, …) that build nothing Kiln reads.

use super::expr::{Expr, Node, PResult, Parser, describe};
use super::lexer::{Pos, Tok, Token};

#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    /// `a = b = value`; targets are expressions (`x`, `(a, b)`, `d[k]`).
    Assign(Vec<Node>, Node),
    Expr(Node),
    /// `import`, `def`, `for`, `if`, … headers and other lines that build nothing.
    Skip,
}

const SKIP_KEYWORDS: [&str; 23] = [
    "import", "from", "def", "class", "for", "while", "if", "elif", "else", "try", "except", "finally", "with",
    "assert", "del", "pass", "break", "continue", "global", "nonlocal", "raise", "async", "print",
];

pub fn parse_stmt(toks: &[Token]) -> PResult<Stmt> {
    let mut p = Parser { toks, i: 0, depth: 0 };
    match toks.first().map(|t| &t.tok) {
        Some(Tok::Name(k)) if SKIP_KEYWORDS.contains(&k.as_str()) && !p.next_is_op(1, "=") => {
            // `print(model.summary())` and friends: nothing to read. Bad tokens still count.
            return match toks
                .iter()
                .find_map(|t| if let Tok::Error(m) = &t.tok { Some((t.pos, m.clone())) } else { None })
            {
                Some(e) => Err(e),
                None => Ok(Stmt::Skip),
            };
        }
        Some(Tok::Name(k)) if k == "return" => p.i = 1,
        Some(Tok::Op("@")) => return Ok(Stmt::Skip),
        _ => {}
    }
    if p.i >= toks.len() {
        return Ok(Stmt::Skip);
    }
    let mut nodes = vec![p.tuple_or_expr()?];
    let mut augmented = false;
    while let Some(op) = p.peek_op() {
        if op == "=" {
            p.i += 1;
            nodes.push(p.tuple_or_expr()?);
        } else if op.ends_with('=') && op.len() >= 2 && !matches!(op, "==" | "!=" | "<=" | ">=") {
            p.i += 1;
            p.tuple_or_expr()?;
            augmented = true;
        } else {
            break;
        }
    }
    if let Some(t) = toks.get(p.i) {
        return Err((t.pos, format!("unexpected {} here", describe(&t.tok))));
    }
    let value = nodes.pop().ok_or((Pos::default(), "empty statement".to_string()))?;
    Ok(match (nodes.is_empty(), augmented) {
        (_, true) => Stmt::Assign(vec![value.clone()], Node { expr: Expr::Opaque, ..value }),
        (true, false) => Stmt::Expr(value),
        (false, false) => Stmt::Assign(nodes, value),
    })
}
