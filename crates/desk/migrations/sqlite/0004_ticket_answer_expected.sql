-- Tickets promise when to expect an answer (`Ticket.answer_expected_by`), fixed when stored:
-- ms UTC. NULL for tickets stored before this migration (and when the site had no opening
-- within the search window).
ALTER TABLE tickets ADD COLUMN answer_expected_by INTEGER;
