//! PostgreSQL: the engine for several desk instances behind one load balancer.

pub mod wake;
