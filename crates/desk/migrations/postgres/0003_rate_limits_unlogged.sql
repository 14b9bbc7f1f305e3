-- Rate-limit state is written on every request and worth nothing after a crash (a bucket that
-- starts full again only lets a client through sooner). UNLOGGED: no WAL for its rows, so a
-- request's upsert commits without waiting for a WAL flush. Under load from one address (one
-- hot row) the logged table was 9 % of the database's waits (docs/benchmarks.md). The table is
-- emptied after a crash and not copied to replicas: a failover starts every bucket full.
ALTER TABLE rate_limits SET UNLOGGED;
