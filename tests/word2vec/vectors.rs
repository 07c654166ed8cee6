//! gensim's KeyedVectors operations on hand-made vectors: neighbours, analogies, the word
//! map, the text format and Embedding weights.

use kiln::embed::Vectors;
use kiln::embed::sampling::Lcg;

fn hand_made() -> Vectors {
    let rows: [(&str, [f32; 2]); 5] = [("a", [1.0, 0.0]), ("b", [0.0, 1.0]), ("c", [1.0, 1.0]), ("d", [-1.0, 0.0]), ("e", [2.0, 0.2])];
    let words = rows.iter().map(|r| r.0.to_string()).collect();
    let data = rows.iter().flat_map(|r| r.1).collect();
    Vectors::new(words, vec![5, 4, 3, 2, 1], 2, data).unwrap()
}

#[test]
fn most_similar_on_hand_made_vectors() {
    let v = hand_made();
    let cos = |x: [f64; 2], y: [f64; 2]| (x[0] * y[0] + x[1] * y[1]) / (x[0].hypot(x[1]) * y[0].hypot(y[1]));
    // (positive, negative, expected words, the query vector before norming)
    type Case = (&'static [&'static str], &'static [&'static str], &'static [&'static str], [f64; 2]);
    let cases: [Case; 4] = [
        (&["a"], &[], &["e", "c", "b", "d"], [1.0, 0.0]),
        (&["b"], &[], &["c", "e", "a", "d"], [0.0, 1.0]),
        // a − d + b: (1, 0) − (−1, 0) + (0, 1)
        (&["a", "b"], &["d"], &["c", "e"], [2.0, 1.0]),
        (&["c"], &["a"], &["b", "d", "e"], [0.5f64.sqrt() - 1.0, 0.5f64.sqrt()]),
    ];
    let vector = |w: &str| v.get(w).map(|r| [f64::from(r[0]), f64::from(r[1])]).unwrap();
    for (positive, negative, expected, query) in cases {
        let got = v.most_similar(positive, negative, 10).unwrap();
        assert_eq!(got.iter().map(|s| s.word.as_str()).collect::<Vec<_>>(), expected, "{positive:?} − {negative:?}");
        for s in &got {
            assert!((s.similarity - cos(vector(&s.word), query)).abs() < 1e-6, "{s:?}");
        }
    }
    assert_eq!(v.similar_by_word("a", 2).unwrap().len(), 2);
    assert!(v.similar_by_word("zebra", 2).unwrap_err().to_string().contains("`zebra` is not in the vocabulary"));
    assert!(v.most_similar(&[], &[], 2).is_err());
}

#[test]
fn text_format_round_trip_is_identical() {
    let data = vec![0.1f32, -1.0 / 3.0, 1e-8, 3.402_823_5e38, -0.0, 1.5e-42, 7.0, -2.5e-3, 0.333_333_34];
    let words = vec!["the".to_string(), "café".to_string(), "don't".to_string()];
    let v = Vectors::new(words.clone(), vec![9, 5, 5], 3, data.clone()).unwrap();
    let text = v.to_text();
    assert!(text.starts_with("3 3\nthe 0.1 "), "{text}");
    let back = Vectors::from_text(&text).unwrap();
    assert_eq!(back.words(), words.as_slice());
    assert_eq!((back.dim(), back.len()), (3, 3));
    let bits = |d: &[f32]| d.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(back.data()), bits(&data));
    assert_eq!(back.to_text(), text);
}

/// Character tokens include the space: its line would not split, so it is left out.
#[test]
fn text_format_leaves_out_whitespace_tokens() {
    let words = vec!["가".to_string(), " ".to_string(), "나".to_string()];
    let v = Vectors::new(words, vec![3, 9, 2], 1, vec![0.5, 1.0, -2.0]).unwrap();
    assert_eq!(v.to_text(), "2 1\n가 0.5\n나 -2\n");
    assert_eq!(Vectors::from_text(&v.to_text()).unwrap().len(), 2);
}

#[test]
fn text_format_errors_name_the_problem() {
    let cases = [
        ("", "the file is empty; expected a word2vec header `count dim`"),
        ("two 3 x\n", "line 1: expected a word2vec header `count dim`"),
        ("1 0\n", "dim at least 1"),
        ("1 2\nx 0.5\n", "`x` has 1 values; the header says 2"),
        ("1 2\nx 0.5 0.1 0.2\n", "`x` has 3 values"),
        ("1 2\nx 0.5 abc\n", "line 2: `abc` (a value of `x`) is not a finite number"),
        ("1 2\nx 0.5 nan\n", "is not a finite number"),
        ("2 2\nx 1 2\nx 3 4\n", "line 3: `x` appears again (first on line 2)"),
        ("3 2\nx 1 2\ny 3 4\n", "the header says 3 words but the file has 2"),
    ];
    for (text, expected) in cases {
        let err = Vectors::from_text(text).unwrap_err().to_string();
        assert!(err.contains(expected), "{text:?}: {err}");
    }
}

#[test]
fn map_recovers_vectors_lying_on_a_plane() {
    // Points p0 + a·e1 + b·e2 in 6-D (e1 ⟂ e2), wider along e1: the map must keep every distance.
    let e1 = [0.5f64, 0.5, 0.5, 0.5, 0.0, 0.0];
    let e2 = [0.0f64, 0.0, 0.0, 0.0, 0.6, 0.8];
    let mut rng = Lcg::new(2);
    let n = 40;
    let mut data = Vec::new();
    for _ in 0..n {
        let (a, b) = (4.0 * f64::from(rng.unit() - 0.5), f64::from(rng.unit() - 0.5));
        data.extend((0..6).map(|k| (0.3 + a * e1[k] + b * e2[k]) as f32));
    }
    let words: Vec<String> = (0..n).map(|i| format!("w{i}")).collect();
    let v = Vectors::new(words, (0..n as u64).rev().collect(), 6, data).unwrap();
    let map = v.map(100);
    assert_eq!(map.len(), n);
    assert_eq!((map[0].word.as_str(), map[0].count), ("w0", n - 1));
    for i in 0..n {
        for j in 0..i {
            let far: f64 = v.get(&format!("w{i}")).unwrap().iter().zip(v.get(&format!("w{j}")).unwrap())
                .map(|(x, y)| (f64::from(*x) - f64::from(*y)).powi(2)).sum::<f64>().sqrt();
            let near = (map[i].x - map[j].x).hypot(map[i].y - map[j].y);
            assert!((far - near).abs() < 1e-4, "w{i}–w{j}: {far} vs {near}");
        }
    }
    let mean = |f: &dyn Fn(&kiln::dto::MapPoint) -> f64| map.iter().map(f).sum::<f64>() / n as f64;
    assert!(mean(&|p| p.x).abs() < 1e-6 && mean(&|p| p.y).abs() < 1e-6, "centred");
    assert!(mean(&|p| p.x * p.x) > mean(&|p| p.y * p.y), "the first component has the most variance");
    assert_eq!(v.map(5).len(), 5);
}

#[test]
fn embedding_matrix_takes_known_rows_and_checks_dim() {
    let v = hand_made();
    let token = |i: usize| ["<pad>", "c", "zzz", "a"].get(i).map(|s| s.to_string());
    let mut next = 0.0;
    let init = || {
        next += 1.0;
        next
    };
    let (matrix, covered) = v.embedding_matrix(5, 2, token, init).unwrap();
    assert_eq!(covered, 2);
    assert_eq!(matrix, [1.0, 2.0, 1.0, 1.0, 3.0, 4.0, 1.0, 0.0, 5.0, 6.0]);
    let err = v.embedding_matrix(5, 8, token, || 0.0).unwrap_err().to_string();
    assert!(err.contains("8-dimensional") && err.contains("2-dimensional"), "{err}");
}

