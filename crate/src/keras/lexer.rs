//! A tokenizer for the Python a notebook cell holds: names, numbers, strings,
//! operators, comments, and logical lines (newlines inside brackets or after `\`
//! do not end a statement). Bad input becomes an `Error` token, so one odd line of
//! prose does not stop the reader; the statement parser decides whether it matters.

/// A 1-based position in the pasted text (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Name(String),
    /// The value, and whether it was written as an integer (`3` vs `3.0`, `1e-3`).
    Num(f64, bool),
    Str(String),
    Op(&'static str),
    Error(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub pos: Pos,
}

const OPS: [&str; 37] = [
    "**=", "//=", "**", "//", "==", "!=", "<=", ">=", "->", "+=", "-=", "*=", "/=", ":=", "%=", "(", ")", "[", "]",
    "{", "}", ",", ":", ".", ";", "@", "=", "+", "-", "*", "/", "%", "<", ">", "|", "&", "~",
];

/// Split `text` into logical lines of tokens (empty lines dropped).
pub fn logical_lines(text: &str) -> Vec<Vec<Token>> {
    let mut lx = Lexer { chars: text.chars().collect(), i: 0, line: 1, col: 1, open: Vec::new() };
    let mut lines = Vec::new();
    let mut cur = Vec::new();
    loop {
        lx.skip_line_start();
        while let Some(t) = lx.next_token() {
            cur.push(t);
        }
        if lx.i >= lx.chars.len() {
            break;
        }
        // `next_token` stopped at a newline outside brackets: the statement ends.
        lx.bump();
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
    }
    for (opener, pos) in lx.open.drain(..).rev() {
        cur.push(Token { tok: Tok::Error(format!("unclosed `{opener}`")), pos });
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

struct Lexer {
    chars: Vec<char>,
    i: usize,
    line: usize,
    col: usize,
    /// Open brackets and where they were opened.
    open: Vec<(char, Pos)>,
}

impl Lexer {
    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).copied()
    }

    fn pos(&self) -> Pos {
        Pos { line: self.line, column: self.col }
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn skip_to_eol(&mut self) {
        while self.peek(0).is_some_and(|c| c != '\n') {
            self.bump();
        }
    }

    /// Jupyter prompts (`In [3]:`, `Out[3]:`) and magics (`%matplotlib`, `!pip`) are not Python.
    fn skip_line_start(&mut self) {
        while self.peek(0).is_some_and(|c| c == ' ' || c == '\t') {
            self.bump();
        }
        let rest: String = self.chars[self.i..].iter().take(12).collect();
        for prompt in ["In [", "Out["] {
            if let Some(after) = rest.strip_prefix(prompt)
                && let Some(end) = after.find("]:")
                && after[..end].chars().all(|c| c.is_ascii_digit() || c == ' ')
            {
                for _ in 0..prompt.chars().count() + end + 2 {
                    self.bump();
                }
            }
        }
        if matches!(self.peek(0), Some('%' | '!')) {
            self.skip_to_eol();
        }
    }

    /// The next token of this logical line, or `None` at its end (a newline outside
    /// brackets, or the end of the text).
    fn next_token(&mut self) -> Option<Token> {
        loop {
            let c = self.peek(0)?;
            match c {
                ' ' | '\t' | '\r' | '\u{c}' => {
                    self.bump();
                }
                '#' => self.skip_to_eol(),
                '\\' if self.peek(1) == Some('\n') => {
                    self.bump();
                    self.bump();
                }
                '\n' if self.open.is_empty() => return None,
                '\n' => {
                    self.bump();
                }
                _ => break,
            }
        }
        let pos = self.pos();
        let c = self.peek(0)?;
        let tok = if c.is_ascii_digit() || (c == '.' && self.peek(1).is_some_and(|d| d.is_ascii_digit())) {
            self.number()
        } else if let Some(n) = self.string_prefix_len() {
            self.string(n)
        } else if c.is_alphabetic() || c == '_' {
            let mut s = String::new();
            while let Some(c) = self.peek(0).filter(|c| c.is_alphanumeric() || *c == '_') {
                s.push(c);
                self.bump();
            }
            Tok::Name(s)
        } else {
            self.operator(pos)
        };
        Some(Token { tok, pos })
    }

    fn number(&mut self) -> Tok {
        let mut s = String::new();
        let mut int = true;
        while let Some(c) = self.peek(0) {
            let exp_sign = (c == '+' || c == '-') && matches!(s.chars().last(), Some('e' | 'E'));
            if c.is_ascii_digit() || c == '_' || exp_sign {
                s.push(c);
            } else if c == '.' || c == 'e' || c == 'E' {
                int = false;
                s.push(c);
            } else {
                break;
            }
            self.bump();
        }
        let clean: String = s.chars().filter(|c| *c != '_').collect();
        match clean.parse::<f64>() {
            Ok(v) => Tok::Num(v, int),
            Err(_) => Tok::Error(format!("`{s}` is not a number")),
        }
    }

    /// How many prefix letters (`r`, `f`, `b`, `u`, `rb`…) come before a quote, if any.
    fn string_prefix_len(&self) -> Option<usize> {
        let mut n = 0;
        while n < 2 && self.peek(n).is_some_and(|c| "rRbBuUfF".contains(c)) {
            n += 1;
        }
        matches!(self.peek(n), Some('\'' | '"')).then_some(n)
    }

    fn string(&mut self, prefix: usize) -> Tok {
        let mut raw = false;
        for _ in 0..prefix {
            raw |= matches!(self.bump(), Some('r' | 'R'));
        }
        let quote = self.bump().unwrap_or('"');
        let triple = self.peek(0) == Some(quote) && self.peek(1) == Some(quote);
        if triple {
            self.bump();
            self.bump();
        }
        let mut s = String::new();
        loop {
            match self.peek(0) {
                None => return Tok::Error("unterminated string".into()),
                Some('\n') if !triple => return Tok::Error("unterminated string".into()),
                Some(c) if c == quote => {
                    if !triple {
                        self.bump();
                        return Tok::Str(s);
                    }
                    if self.peek(1) == Some(quote) && self.peek(2) == Some(quote) {
                        for _ in 0..3 {
                            self.bump();
                        }
                        return Tok::Str(s);
                    }
                    s.push(c);
                    self.bump();
                }
                Some('\\') => {
                    self.bump();
                    let e = self.bump().unwrap_or('\\');
                    match (raw, e) {
                        (false, 'n') => s.push('\n'),
                        (false, 't') => s.push('\t'),
                        (false, '\\' | '\'' | '"') => s.push(e),
                        (_, '\n') => {}
                        _ => {
                            s.push('\\');
                            s.push(e);
                        }
                    }
                }
                Some(c) => {
                    s.push(c);
                    self.bump();
                }
            }
        }
    }

    fn operator(&mut self, pos: Pos) -> Tok {
        let rest: String = self.chars[self.i..].iter().take(3).collect();
        let Some(op) = OPS.iter().find(|op| rest.starts_with(**op)) else {
            let c = self.bump().unwrap_or(' ');
            return Tok::Error(format!("unexpected character `{c}`"));
        };
        for _ in 0..op.len() {
            self.bump();
        }
        match *op {
            "(" | "[" | "{" => self.open.push((op.chars().next().unwrap_or('('), pos)),
            ")" | "]" | "}" => {
                let want = match *op {
                    ")" => '(',
                    "]" => '[',
                    _ => '{',
                };
                match self.open.pop() {
                    Some((o, _)) if o == want => {}
                    Some((o, at)) => {
                        return Tok::Error(format!(
                            "`{op}` does not close the `{o}` opened at line {}, column {}",
                            at.line, at.column
                        ));
                    }
                    None => return Tok::Error(format!("`{op}` closes nothing")),
                }
            }
            _ => {}
        }
        Tok::Op(op)
    }
}
