-- The same as SQLite's migration 0013 (see there for why).
ALTER TABLE agents ADD COLUMN ticket_mail BOOLEAN NOT NULL DEFAULT false;
