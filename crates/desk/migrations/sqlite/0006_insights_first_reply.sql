-- Insights (crates/desk/src/insights): each conversation's first agent message to the customer
-- (`MIN(created_at)` over agent messages that are not internal notes) straight from this index,
-- instead of reading every message row of the conversation from the table. Partial: customer
-- and bot messages, most of the table, stay out of it.
CREATE INDEX messages_first_agent_reply ON messages (conversation_id, created_at)
    WHERE author = 'agent' AND internal = 0;
