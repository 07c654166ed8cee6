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
            .find(|tag| tail.len() >= tag.len() && tail[..tag.len()].eq_ignore_ascii_case(tag))
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
