-- Issue 20: business hours and holidays, SLA targets and canned responses that a manager saves
-- in the console. One row per site and section; its body is the section as JSON
-- (handoff_protocol::settings). A section with a row here wins over the config file's until
-- it is reverted (the row deleted). Each change also writes an admin_audit row.
CREATE TABLE site_settings (
    site_key   TEXT NOT NULL,
    section    TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER NOT NULL,
    PRIMARY KEY (site_key, section)
);
