//! "Is typing" both ways: when a side reports it, and how long the other side shows it.
//!
//! Typing notices are ephemeral (not stored, no SSE id) and a lost one must not leave a
//! "typing…" line up for ever. So the writer repeats `true` every [`RENEW_MS`] while keys are
//! pressed and says `false` after [`IDLE_MS`] without a key; the reader shows the line for
//! [`SHOWN_MS`] after the last `true` at most. Both sides share this code: the widget (customer)
//! and the console (agent). Times are milliseconds on the caller's clock (`Date.now()`).

/// A writer still typing says so again after this long (a reader that missed the first notice,
/// or reconnected, learns it within this time).
pub const RENEW_MS: i64 = 3_000;
/// Without a key pressed for this long, the writer says it stopped.
pub const IDLE_MS: i64 = 5_000;
/// A reader hides the line this long after the last `true`, even if `false` never came. Longer
/// than [`RENEW_MS`] plus a slow request, so an active writer's line does not flicker.
pub const SHOWN_MS: i64 = 8_000;

/// The writer's side: which typing notices to send, throttled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reporter {
    /// When `true` was last sent (None: the other side believes we are not typing).
    sent_at: Option<i64>,
    /// The last key press.
    last_input: i64,
}

impl Reporter {
    /// A key press at `now`, the draft now being empty or not. Returns the notice to send.
    pub fn input(&mut self, has_text: bool, now: i64) -> Option<bool> {
        self.last_input = now;
        match (has_text, self.sent_at) {
            (false, Some(_)) => {
                self.sent_at = None;
                Some(false)
            }
            (false, None) => None,
            (true, Some(at)) if now - at < RENEW_MS => None,
            (true, _) => {
                self.sent_at = Some(now);
                Some(true)
            }
        }
    }

    /// Time passed: `Some(false)` once no key was pressed for [`IDLE_MS`] after a `true`.
    pub fn tick(&mut self, now: i64) -> Option<bool> {
        if self.sent_at.is_some() && now - self.last_input >= IDLE_MS {
            self.sent_at = None;
            return Some(false);
        }
        None
    }

    /// When [`Reporter::tick`] next has something to say (None: nothing pending).
    pub fn next_tick(&self) -> Option<i64> {
        self.sent_at.map(|_| self.last_input + IDLE_MS)
    }

    /// The message went out: the desk ends the typing notice with it, nothing to send.
    pub fn message_sent(&mut self) {
        self.sent_at = None;
    }
}

/// The reader's side: whether to show "… is typing" now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Indicator {
    until: Option<i64>,
}

impl Indicator {
    /// A typing notice arrived at `now`.
    pub fn notice(&mut self, typing: bool, now: i64) {
        self.until = typing.then_some(now + SHOWN_MS);
    }

    /// A message from the writer arrived, or the conversation changed hands: hide it.
    pub fn clear(&mut self) {
        self.until = None;
    }

    pub fn shown(&self, now: i64) -> bool {
        self.until.is_some_and(|u| now < u)
    }

    /// When the line has to disappear unless renewed.
    pub fn expires_at(&self) -> Option<i64> {
        self.until
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_key_reports_typing_and_the_next_ones_only_every_renewal() {
        let mut r = Reporter::default();
        assert_eq!(r.input(true, 0), Some(true));
        assert_eq!(r.input(true, 100), None);
        assert_eq!(r.input(true, RENEW_MS - 1), None);
        assert_eq!(r.input(true, RENEW_MS), Some(true));
    }

    #[test]
    fn an_emptied_draft_reports_stopped_once() {
        let mut r = Reporter::default();
        r.input(true, 0);
        assert_eq!(r.input(false, 10), Some(false));
        assert_eq!(r.input(false, 20), None);
        assert_eq!(r.input(true, 30), Some(true), "typing again is reported at once");
    }

    #[test]
    fn idling_reports_stopped_after_idle_ms_and_only_then() {
        let mut r = Reporter::default();
        assert_eq!(r.tick(1_000_000), None, "nothing was reported");
        r.input(true, 0);
        r.input(true, 2_000);
        assert_eq!(r.next_tick(), Some(2_000 + IDLE_MS));
        assert_eq!(r.tick(2_000 + IDLE_MS - 1), None);
        assert_eq!(r.tick(2_000 + IDLE_MS), Some(false));
        assert_eq!(r.tick(2_000 + IDLE_MS + 1), None);
        assert_eq!(r.next_tick(), None);
    }

    #[test]
    fn a_sent_message_ends_typing_without_a_notice() {
        let mut r = Reporter::default();
        r.input(true, 0);
        r.message_sent();
        assert_eq!(r.tick(IDLE_MS * 2), None);
        assert_eq!(r.input(true, 10), Some(true));
    }

    #[test]
    fn the_reader_hides_a_notice_that_was_never_renewed() {
        let mut i = Indicator::default();
        assert!(!i.shown(0));
        i.notice(true, 1_000);
        assert!(i.shown(1_000 + SHOWN_MS - 1));
        assert!(!i.shown(1_000 + SHOWN_MS));
        i.notice(true, 1_000 + RENEW_MS);
        assert!(i.shown(1_000 + SHOWN_MS), "renewed");
        i.notice(false, 1_000 + RENEW_MS + 1);
        assert!(!i.shown(1_000 + RENEW_MS + 2));
        i.notice(true, 0);
        i.clear();
        assert!(!i.shown(1));
    }

    #[test]
    fn an_active_writer_never_lets_the_line_lapse() {
        // Keys every 200 ms for a minute, notices arriving 1 s after they were sent.
        let (mut r, mut i) = (Reporter::default(), Indicator::default());
        let mut arrivals = Vec::new();
        for t in (0..60_000).step_by(200) {
            if let Some(typing) = r.input(true, t) {
                arrivals.push((t + 1_000, typing));
            }
        }
        for t in (1_000..60_000).step_by(100) {
            for (at, typing) in arrivals.iter().filter(|(at, _)| *at == t) {
                i.notice(*typing, *at);
            }
            assert!(i.shown(t), "lapsed at {t}");
        }
    }
}
