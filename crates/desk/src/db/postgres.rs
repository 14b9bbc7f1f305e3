//! PostgreSQL: the engine for several desk instances behind one load balancer.

pub mod attempts;
pub mod coordination;
pub mod limits;
pub mod listen;
pub mod locks;
pub mod notify;
pub mod wake;
