//! Korean text as the course's NSMC notebooks clean it.

/// The stopword list of the NSMC (Naver movie review) tutorials the Korean seeds follow.
pub const KOREAN_STOPWORDS: [&str; 18] =
    ["의", "가", "이", "은", "들", "는", "좀", "잘", "걍", "과", "도", "를", "으로", "자", "에", "와", "한", "하다"];

/// `re.sub("[^ㄱ-ㅎㅏ-ㅣ가-힣 ]", "", text)`: keep Hangul jamo, syllables and the space;
/// everything else (Latin letters, digits, punctuation, tabs, newlines) is dropped.
pub fn normalize_korean(text: &str) -> String {
    text.chars().filter(|&c| is_hangul(c) || c == ' ').collect()
}

/// Compatibility jamo `ㄱ-ㅎ` and `ㅏ-ㅣ`, or a precomposed syllable `가-힣`.
pub fn is_hangul(c: char) -> bool {
    matches!(c, 'ㄱ'..='ㅎ' | 'ㅏ'..='ㅣ' | '가'..='힣')
}
