//! Nearest-rank percentiles over durations in milliseconds.

use handoff_protocol::insights::Durations;

/// Count, median and 90th percentile of `samples` (milliseconds, any order), nearest-rank.
pub fn durations(mut samples: Vec<i64>) -> Durations {
    samples.sort_unstable();
    Durations {
        count: samples.len() as u64,
        median_ms: nearest_rank(&samples, 50),
        p90_ms: nearest_rank(&samples, 90),
    }
}

/// The nearest-rank `p`th percentile (0 < p <= 100) of ascending `sorted`: the value at
/// 1-based rank `ceil(p / 100 * n)`. `None` for no samples. Always one of the samples, never
/// an interpolation: the median of [1, 2] is 1, its p90 is 2.
pub fn nearest_rank(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len() as u64;
    let rank = (u64::from(p.clamp(1, 100)) * n).div_ceil(100).max(1);
    sorted.get(usize::try_from(rank - 1).ok()?).copied()
}

/// `part / whole`, `None` when `whole` is zero.
pub fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_is_exact_and_never_interpolates() {
        assert_eq!(nearest_rank(&[], 50), None);
        assert_eq!(nearest_rank(&[7], 50), Some(7));
        assert_eq!(nearest_rank(&[7], 90), Some(7));
        assert_eq!(nearest_rank(&[1, 2], 50), Some(1));
        assert_eq!(nearest_rank(&[1, 2], 90), Some(2));
        assert_eq!(nearest_rank(&[1, 2, 3], 50), Some(2));
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(nearest_rank(&ten, 50), Some(5));
        assert_eq!(nearest_rank(&ten, 90), Some(9));
        assert_eq!(nearest_rank(&ten, 100), Some(10));
        let eleven: Vec<i64> = (1..=11).collect();
        assert_eq!(nearest_rank(&eleven, 50), Some(6));
        assert_eq!(nearest_rank(&eleven, 90), Some(10), "ceil(9.9) = 10");
        let hundred: Vec<i64> = (1..=100).collect();
        assert_eq!(nearest_rank(&hundred, 90), Some(90));
    }

    #[test]
    fn durations_sort_their_samples_and_handle_none() {
        assert_eq!(durations(vec![]), Durations { count: 0, median_ms: None, p90_ms: None });
        assert_eq!(
            durations(vec![30, 10, 20]),
            Durations { count: 3, median_ms: Some(20), p90_ms: Some(30) }
        );
        assert_eq!(ratio(1, 0), None);
        assert_eq!(ratio(1, 4), Some(0.25));
    }
}
