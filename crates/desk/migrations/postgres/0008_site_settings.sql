-- The same as SQLite's migration 0015 (see there for why).
CREATE TABLE site_settings (
    site_key   TEXT COLLATE "C" NOT NULL,
    section    TEXT COLLATE "C" NOT NULL,
    body       TEXT COLLATE "C" NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT NOT NULL,
    PRIMARY KEY (site_key, section)
);
