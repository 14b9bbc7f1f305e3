-- Insights (crates/desk/src/insights): the conversations a site started in a period.
CREATE INDEX conversations_site_created ON conversations (site_key, created_at);
