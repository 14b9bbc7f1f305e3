-- What several desk instances share besides conversations: per-account login backoff and
-- rate limits (db/postgres/attempts.rs, db/postgres/limits.rs). Each row is changed by one
-- atomic upsert; rows that carry no information any more are pruned by the desk.

CREATE TABLE IF NOT EXISTS login_attempts (
    -- The normalised login (login_backoff::account_key).
    account  TEXT PRIMARY KEY,
    -- Failed attempts counted so far (an attempt counts until it succeeds).
    failures INTEGER NOT NULL,
    -- The last admitted attempt, ms since the epoch.
    last_at  BIGINT NOT NULL,
    -- Whether the last attempt was admitted (read back by the upsert's RETURNING).
    admitted BOOLEAN NOT NULL
);

CREATE INDEX IF NOT EXISTS login_attempts_last_at ON login_attempts (last_at);

CREATE TABLE IF NOT EXISTS rate_limits (
    -- `ip` or `conversation`.
    scope   TEXT NOT NULL,
    key     TEXT NOT NULL,
    -- GCRA's theoretical arrival time, ms since the epoch: the bucket is full again then.
    tat     BIGINT NOT NULL,
    -- Whether the last request was allowed (read back by the upsert's RETURNING).
    allowed BOOLEAN NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE INDEX IF NOT EXISTS rate_limits_tat ON rate_limits (tat);
