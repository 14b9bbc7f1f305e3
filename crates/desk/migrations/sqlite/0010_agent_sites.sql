-- The sites an agent serves, comma-separated site keys (like `departments`). Empty: not limited,
-- which serves every site only while the desk serves one site (see docs/security.md).
ALTER TABLE agents ADD COLUMN sites TEXT NOT NULL DEFAULT '';
