//! A small in-place heapsort, used instead of the standard library's sorts in the code the
//! widget ships.
//!
//! `sort_unstable_by` compiles to about 3 KB of wasm per element type (pattern-defeating
//! quicksort, small-sort networks, a heapsort fallback); the bot sorts five element types, so
//! the standard sorts cost ~14 KB raw of the widget's wasm. The slices sorted here are short
//! (candidate patterns, ranked intents, search hits, one article's words), where heapsort's
//! O(n log n) with no allocation is plenty: see the reply and search numbers in
//! docs/benchmarks.md. Order among equal elements is unspecified, as with `sort_unstable`;
//! every caller breaks ties itself so the result stays deterministic.

use std::cmp::Ordering;

/// Sorts `v` in place by `cmp`.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let n = v.len();
    let mut less = |v: &[T], a: usize, b: usize| cmp(&v[a], &v[b]) == Ordering::Less;
    // Build a max-heap, then repeatedly move the largest element to the end.
    for start in (0..n / 2).rev() {
        sift_down(v, start, n, &mut less);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end, &mut less);
    }
}

/// Sorts and removes consecutive duplicates: the set of `v`'s values in ascending order.
pub fn sort_dedup(v: &mut Vec<u32>) {
    sort_by(v, u32::cmp);
    v.dedup();
}

fn sift_down<T>(v: &mut [T], mut node: usize, end: usize, less: &mut impl FnMut(&[T], usize, usize) -> bool) {
    loop {
        let mut child = 2 * node + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && less(v, child, child + 1) {
            child += 1;
        }
        if !less(v, node, child) {
            return;
        }
        v.swap(node, child);
        node = child;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic xorshift, so the test needs no dependency and fails the same way twice.
    fn numbers(seed: u64, n: usize, modulo: u64) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x % modulo
            })
            .collect()
    }

    #[test]
    fn agrees_with_the_standard_sort() {
        for (seed, n, modulo) in
            [(1, 0, 10), (2, 1, 10), (3, 2, 10), (4, 17, 5), (5, 1000, 1_000_000), (6, 333, 3)]
        {
            let mut ours = numbers(seed, n, modulo);
            let mut std = ours.clone();
            sort_by(&mut ours, |a, b| a.cmp(b));
            std.sort();
            assert_eq!(ours, std, "seed {seed}, n {n}");
        }
    }

    #[test]
    fn sorts_descending_with_a_reversed_comparator() {
        let mut v = vec![3.5f32, -1.0, 9.25, 0.0, 3.5];
        sort_by(&mut v, |a, b| b.total_cmp(a));
        assert_eq!(v, [9.25, 3.5, 3.5, 0.0, -1.0]);
    }

    #[test]
    fn sort_dedup_gives_the_ascending_set() {
        let mut v = vec![5, 1, 5, 3, 1, 1, 9];
        sort_dedup(&mut v);
        assert_eq!(v, [1, 3, 5, 9]);
    }
}
