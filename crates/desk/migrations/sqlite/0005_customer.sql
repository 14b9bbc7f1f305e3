-- The customer as the host site identified them (`Handoff('identify')`): the JSON of
-- handoff_protocol::v1::Customer, with `verified` when the site's server signed the user id.
-- NULL for anonymous customers and for conversations stored before this migration.
ALTER TABLE conversations ADD COLUMN customer_json TEXT;
