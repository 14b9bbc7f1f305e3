//! An agent's own account (issue 20): changing their password, and the sessions signed in as
//! them, which they (or a manager, crate::desk::admin's rule) can end one by one.

use super::{rfc3339, Desk};
use crate::coordination::Ephemeral;
use crate::db::{AdminAuditRow, AgentRow, SessionRow};
use crate::desk::error::{DeskError, DeskResult};
use crate::login_backoff::account_key;
use crate::passwords;
use crate::secret;
use handoff_protocol::admin::{PasswordChange, SessionInfo};

/// Characters of a session's token hash that name it: enough to tell sessions apart, and the
/// hash opens nothing (the cookie's token does).
const SESSION_ID_CHARS: usize = 16;

fn session_id(s: &SessionRow) -> String {
    s.token_hash.chars().take(SESSION_ID_CHARS).collect()
}

impl Desk {
    /// `PUT /v1/agent/password`: the current password first (throttled like a login), a strong
    /// new one, then every other session of the agent ends (a stolen cookie stops working).
    pub async fn change_password(
        &self,
        agent: &AgentRow,
        session: &SessionRow,
        req: PasswordChange,
    ) -> DeskResult<()> {
        let account = account_key(&agent.email);
        self.login_attempts.begin(&account, self.now_ms()).await.map_err(|secs| {
            DeskError::limited(
                "login_backoff",
                format!("too many wrong passwords for this account; retry in {secs} s"),
                secs,
            )
        })?;
        let (current, hash) = (req.current.clone(), agent.password_hash.clone());
        let ok = tokio::task::spawn_blocking(move || secret::verify_password(&current, &hash))
            .await
            .map_err(|e| DeskError::internal(format!("password check failed: {e}")))?;
        if !ok {
            return Err(DeskError::refused("wrong_password", "the current password is not right"));
        }
        self.login_attempts.succeeded(&account).await;
        if req.new == req.current {
            return Err(DeskError::invalid(
                "same_password",
                "the new password must differ from the current one",
            ));
        }
        passwords::check(&req.new, &agent.email)?;
        let new = req.new;
        let hash = tokio::task::spawn_blocking(move || secret::hash_password(&new))
            .await
            .map_err(|e| DeskError::internal(format!("password hashing failed: {e}")))?
            .map_err(|e| DeskError::internal(format!("password hashing failed: {e}")))?;
        let audit = AdminAuditRow {
            id: 0,
            at: self.now_ms(),
            actor_id: agent.id,
            action: "password_changed".into(),
            target: format!("agent:{}", agent.email),
            old_value: None,
            new_value: None,
        };
        let mut ended = Vec::new();
        self.db.set_password(agent.id, &hash, &session.token_hash, &audit, &mut ended).await?;
        for token_hash in ended {
            self.ephemeral(Ephemeral::SessionEnded { agent: agent.id, token_hash }).await;
        }
        Ok(())
    }

    /// The sessions of `agent`, newest first; `current` marks the caller's own.
    pub async fn sessions_of(
        &self,
        agent: &AgentRow,
        current: Option<&SessionRow>,
    ) -> DeskResult<Vec<SessionInfo>> {
        let now = self.now_ms();
        Ok(self
            .db
            .sessions_of(agent.id)
            .await?
            .into_iter()
            .filter(|s| s.expires_at > now)
            .map(|s| SessionInfo {
                id: session_id(&s),
                created_at: rfc3339(s.created_at),
                expires_at: rfc3339(s.expires_at),
                current: current.is_some_and(|c| c.token_hash == s.token_hash),
            })
            .collect())
    }

    /// Ends one session of `agent` (its streams at once, on every instance); `404` if the agent
    /// has no session by that id.
    pub async fn end_session(&self, agent: &AgentRow, id: &str) -> DeskResult<()> {
        let sessions = self.db.sessions_of(agent.id).await?;
        let s = sessions
            .into_iter()
            .find(|s| id.chars().count() == SESSION_ID_CHARS && session_id(s) == id)
            .ok_or_else(|| DeskError::unknown("session"))?;
        self.logout(&s).await
    }

    /// A manager's view of another agent's sessions (`403`/`404` as for any change to them).
    pub async fn sessions_of_agent(&self, actor: &AgentRow, id: i64) -> DeskResult<Vec<SessionInfo>> {
        let target = self.admin_target(actor, id).await?;
        self.sessions_of(&target, None).await
    }

    pub async fn end_session_of_agent(&self, actor: &AgentRow, id: i64, session: &str) -> DeskResult<()> {
        let target = self.admin_target(actor, id).await?;
        self.end_session(&target, session).await
    }
}
