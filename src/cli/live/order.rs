//! The order `docker node ls` lists nodes in (docker/cli sorts by hostname with
//! `sortorder.NaturalLess`), so that `--docker` reads the same inventory, node for node, as
//! `docker node inspect $(docker node ls -q)`.

use std::cmp::Ordering;

use serde_json::Value;

/// Sorts Engine API Node objects by `Description.Hostname`, naturally (`w2` before `w10`).
pub fn sort_like_node_ls(nodes: &mut [Value]) {
    let hostname = |n: &Value| {
        n["Description"]["Hostname"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    nodes.sort_by(|a, b| natural_cmp(&hostname(a), &hostname(b)));
}

/// Go's `sortorder.NaturalLess` as an ordering: runs of digits compare as numbers (fewer leading
/// zeros first on a tie) and sort before other bytes; other bytes compare bytewise.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (da, db) = (a[i].is_ascii_digit(), b[j].is_ascii_digit());
        if da != db {
            return if da {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        if !da {
            if a[i] != b[j] {
                return a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
            continue;
        }
        let (zi, zj) = (skip(a, i, |c| c == b'0'), skip(b, j, |c| c == b'0'));
        let (ei, ej) = (
            skip(a, zi, |c| c.is_ascii_digit()),
            skip(b, zj, |c| c.is_ascii_digit()),
        );
        let by_number = (ei - zi)
            .cmp(&(ej - zj))
            .then_with(|| a[zi..ei].cmp(&b[zj..ej]))
            .then_with(|| zi.cmp(&zj));
        if by_number != Ordering::Equal {
            return by_number;
        }
        (i, j) = (ei, ej);
    }
    (a.len() - i).cmp(&(b.len() - j))
}

/// The index of the first byte from `from` on that is not `while_`.
fn skip(s: &[u8], from: usize, while_: impl Fn(u8) -> bool) -> usize {
    from + s[from..].iter().take_while(|&&c| while_(c)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_as_numbers() {
        let mut names = vec!["w10", "m1", "w2", "w1", "m10", "m2", "a", "w02"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(names, ["a", "m1", "m2", "m10", "w1", "w2", "w02", "w10"]);
    }

    #[test]
    fn digits_sort_before_letters_and_prefixes_first() {
        assert_eq!(natural_cmp("1a", "aa"), Ordering::Less);
        assert_eq!(natural_cmp("node", "node1"), Ordering::Less);
        assert_eq!(natural_cmp("node1", "node"), Ordering::Greater);
        assert_eq!(natural_cmp("n007", "n7"), Ordering::Greater);
        assert_eq!(natural_cmp("same", "same"), Ordering::Equal);
    }

    #[test]
    fn nodes_are_sorted_by_hostname() {
        let node =
            |h: &str| serde_json::json!({"ID": h.to_uppercase(), "Description": {"Hostname": h}});
        let mut nodes = vec![node("w2"), node("m10"), node("m9")];
        sort_like_node_ls(&mut nodes);
        let ids: Vec<&str> = nodes.iter().map(|n| n["ID"].as_str().unwrap()).collect();
        assert_eq!(ids, ["M9", "M10", "W2"]);
    }
}
