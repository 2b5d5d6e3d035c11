//! Small pieces of English shared by messages: counts that agree in number, and the closest
//! known word to a misspelt one.

/// `1 task`, `2 tasks`: the count and the word, plural by adding `s` unless `n` is 1.
pub fn count<N: std::fmt::Display + PartialEq + From<u8>>(n: N, word: &str) -> String {
    if n == N::from(1) {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The count with an irregular plural: `count_as(2, "entry", "entries")`.
pub fn count_as(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The candidate nearest to `word` by edit distance, when it is near enough to be a likely
/// typo: at most 2 edits, and fewer than half of the word's length (so `ab` suggests nothing).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = 2.min(word.chars().count().saturating_sub(1) / 2).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Damerau–Levenshtein distance (optimal string alignment: an adjacent swap is one edit),
/// case-insensitive.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_in_number() {
        assert_eq!(count(0, "task"), "0 tasks");
        assert_eq!(count(1, "task"), "1 task");
        assert_eq!(count(2, "task"), "2 tasks");
        assert_eq!(count_as(1, "entry", "entries"), "1 entry");
        assert_eq!(count_as(3, "entry", "entries"), "3 entries");
    }

    #[test]
    fn suggests_the_nearest_key_only_when_near() {
        let keys = [
            "healthcheck",
            "hostname",
            "replicas",
            "resources",
            "restart_policy",
        ];
        assert_eq!(closest("heathcheck", keys), Some("healthcheck"));
        assert_eq!(closest("replica", keys), Some("replicas"));
        assert_eq!(closest("hostnmae", keys), Some("hostname"));
        assert_eq!(closest("Replicas", keys), Some("replicas"));
        assert_eq!(closest("volumes", keys), None);
        assert_eq!(closest("ab", ["a", "abc"]), Some("a"));
        assert_eq!(closest("xy", ["ab"]), None);
    }
}
