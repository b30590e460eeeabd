//! Spelling suggestions for undefined names ("did you mean ...?").
//!
//! The nearest candidate by edit distance (with adjacent transpositions) wins, comparing names without case or
//! underscores, provided it is within half the length of the misspelt name.

/// The candidate nearest to `name`, if any is close enough to be a likely typo.
pub fn nearest<'c>(name: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let fold = |s: &str| -> Vec<char> {
        s.chars()
            .filter(|&c| c != '_')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let x = fold(name);
    let mut best = None;
    let mut best_d = x.len().div_ceil(2).max(1);
    let mut sorted: Vec<&str> = candidates.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    for c in sorted {
        if c == name {
            continue;
        }
        let d = distance(&x, &fold(c), best_d);
        if d < best_d {
            best_d = d;
            best = Some(c);
        }
    }
    best
}

/// Edit distance counting insertions, deletions, substitutions and transpositions of
/// adjacent characters (`nmae` is one edit from `name`), giving up (returning `limit`)
/// once it must reach `limit`.
fn distance(a: &[char], b: &[char], limit: usize) -> usize {
    if a.len().abs_diff(b.len()) >= limit {
        return limit;
    }
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let mut d = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
            if i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb {
                d = d.min(before[j - 1] + 1);
            }
            cur[j + 1] = d;
            row_min = row_min.min(d);
        }
        if row_min >= limit {
            return limit;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()].min(limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(nearest("hollo", &["print", "hello", "f"]), Some("hello"));
        assert_eq!(nearest("abd", &["abc", "f"]), Some("abc"));
        assert_eq!(nearest("goodbye", &["abc", "hello", "print"]), None);
        assert_eq!(nearest("Len", &["len"]), Some("len"));
        assert_eq!(nearest("lenn", &["len", "list"]), Some("len"));
        assert_eq!(nearest("nmae", &["name", "f"]), Some("name"));
        assert_eq!(nearest("lne", &["len"]), Some("len"));
    }
}
