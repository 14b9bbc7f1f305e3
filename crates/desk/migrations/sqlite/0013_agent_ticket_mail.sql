-- Issue 21: an agent may ask to be mailed when a ticket is filed while nobody of its department
-- is online (the console's "E-mail me new tickets"). Off unless the agent turns it on.
ALTER TABLE agents ADD COLUMN ticket_mail INTEGER NOT NULL DEFAULT 0;
