//! Reconnect delays for the event stream: doubling from half a second up to 30 s, so a desk
//! restart is picked up quickly and a long outage does not hammer the server.

pub fn delay_ms(attempt: u32) -> u32 {
    500u32.saturating_mul(1 << attempt.min(6)).min(30_000)
}

#[cfg(test)]
mod tests {
    #[test]
    fn doubles_up_to_a_ceiling() {
        let d: Vec<u32> = (0..9).map(super::delay_ms).collect();
        assert_eq!(d, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    }
}
