use crate::dto::Normalize;

/// Normalise a raw review before tokenising: IMDB's HTML line breaks (`<br />`,
/// `<br/>`, `<br>`) become spaces, as the course notebooks do before `Tokenizer`.
/// Lower-casing and punctuation filtering are the tokenizer's job (Keras `lower`, `filters`).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('<') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        let len = ["<br />", "<br/>", "<br>"]
            .iter()
            // Bytes, not `str` slices: `<br` may be followed by a multi-byte letter.
            .find(|tag| tail.as_bytes().get(..tag.len()).is_some_and(|head| head.eq_ignore_ascii_case(tag.as_bytes())))
            .map(|tag| tag.len());
        match len {
            Some(n) => {
                out.push(' ');
                rest = &tail[n..];
            }
            None => {
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Seed 001's `normalisation`: lower-case, non-word characters (`\W`) become spaces, then
/// everything but `a-z`, `0-9` and whitespace is dropped (`"Café-déjà!"` → `"caf dj "`).
pub fn normalize_english(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' => Some(c),
            c if c.is_whitespace() => Some(c),
            c if c.is_alphanumeric() || c == '_' => None,
            _ => Some(' '),
        })
        .collect()
}

/// The run's `normalize` setting applied to one text.
pub fn normalize_as(how: Normalize, text: &str) -> String {
    match how {
        Normalize::Html => normalize(text),
        Normalize::Korean => super::korean::normalize_korean(text),
        Normalize::English => normalize_english(text),
        Normalize::None => text.to_string(),
    }
}
