//! `handoff-desk migrate-to`: copies an SQLite desk into an empty PostgreSQL database, every
//! row of every table, ids included, in one PostgreSQL transaction, and checks the row counts
//! before it commits. Nothing is lost or half-copied: either the target holds everything the
//! SQLite file held at the moment the copy started, or it is left as it was.
//!
//! The copy is generic over the schema: the tables are the ones both engines have, taken in
//! the order PostgreSQL's foreign keys require, and each value is handed to PostgreSQL as text
//! with a cast to the target column's type (an SQLite 0/1 becomes a boolean where PostgreSQL
//! has one). A column SQLite has and PostgreSQL lacks stops the copy before anything is
//! written: that would drop data.

use super::{DbError, DbResult};
use rusqlite::types::ValueRef;
use sqlx::postgres::PgPool;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Rows per INSERT: far below PostgreSQL's 65,535 bind parameters for any of our tables.
const BATCH: usize = 200;

/// What a copy did, per table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Copied {
    pub tables: BTreeMap<String, u64>,
}

#[derive(Debug, Clone)]
struct Column {
    name: String,
    pg_type: String,
}

/// Copies the SQLite database `file` into `target` (migrated, empty). The SQLite file is only
/// read, inside one read transaction: the copy is a consistent snapshot even if a desk still
/// writes (stop the desk first, or later writes are not copied).
pub async fn sqlite_to_postgres(file: &Path, target: &PgPool) -> DbResult<Copied> {
    let pg_tables = pg_tables(target).await?;
    let sqlite_tables = sqlite_tables(file.to_path_buf()).await?;
    let mut plan = Vec::new();
    for table in pg_order(target, &pg_tables).await? {
        let Some(sqlite_cols) = sqlite_tables.get(&table) else { continue };
        let pg_cols = &pg_tables[&table];
        for c in sqlite_cols {
            if !pg_cols.iter().any(|p| &p.name == c) {
                return Err(DbError::Migration(format!(
                    "column {table}.{c} exists in SQLite but not in PostgreSQL: copying would lose it"
                )));
            }
        }
        let cols: Vec<Column> = pg_cols.iter().filter(|p| sqlite_cols.contains(&p.name)).cloned().collect();
        plan.push((table, cols));
    }
    for t in sqlite_tables.keys() {
        if !pg_tables.contains_key(t) {
            return Err(DbError::Migration(format!("table {t} exists in SQLite but not in PostgreSQL")));
        }
    }

    let mut tx = target.begin().await.map_err(pg)?;
    for (table, _) in &plan {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM \"{table}\""))
            .fetch_one(&mut *tx)
            .await
            .map_err(pg)?
            .get(0);
        if n > 0 {
            return Err(DbError::Migration(format!(
                "the target database is not empty ({table} has {n} rows): migrate into a new database"
            )));
        }
    }

    let (tx_rows, mut rx_rows) = tokio::sync::mpsc::channel::<DbResult<Batch>>(2);
    let reader_plan: Vec<(String, Vec<Column>)> = plan.clone();
    let path = file.to_path_buf();
    let reader = tokio::task::spawn_blocking(move || read_all(&path, &reader_plan, &tx_rows));

    let mut copied = Copied::default();
    while let Some(batch) = rx_rows.recv().await {
        let (i, rows) = batch?;
        let (table, cols) = &plan[i];
        insert(&mut tx, table, cols, &rows).await?;
        *copied.tables.entry(table.clone()).or_default() += rows.len() as u64;
    }
    let expected = reader.await.map_err(|e| DbError::Internal(format!("reader thread: {e}")))??;

    for (table, cols) in &plan {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM \"{table}\""))
            .fetch_one(&mut *tx)
            .await
            .map_err(pg)?
            .get(0);
        let want = expected.get(table).copied().unwrap_or(0);
        if n as u64 != want {
            return Err(DbError::Migration(format!("{table}: {want} rows in SQLite, {n} copied")));
        }
        copied.tables.entry(table.clone()).or_default();
        reset_sequences(&mut tx, table, cols).await?;
    }
    tx.commit().await.map_err(pg)?;
    Ok(copied)
}

fn pg(e: sqlx::Error) -> DbError {
    DbError::Migration(format!("PostgreSQL: {e}"))
}

fn lite(e: rusqlite::Error) -> DbError {
    DbError::Migration(format!("SQLite: {e}"))
}

/// The target's tables (public schema, sqlx's bookkeeping left out) with their columns.
async fn pg_tables(pool: &PgPool) -> DbResult<HashMap<String, Vec<Column>>> {
    let rows = sqlx::query(
        "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%' ORDER BY table_name, ordinal_position",
    )
    .fetch_all(pool)
    .await
    .map_err(pg)?;
    let mut out: HashMap<String, Vec<Column>> = HashMap::new();
    for r in rows {
        let (t, name, ty): (String, String, String) = (r.get(0), r.get(1), r.get(2));
        out.entry(t).or_default().push(Column { name, pg_type: ty });
    }
    Ok(out)
}

/// Tables in an order where every table comes after the tables its foreign keys point to.
async fn pg_order(pool: &PgPool, tables: &HashMap<String, Vec<Column>>) -> DbResult<Vec<String>> {
    let rows = sqlx::query(
        "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c \
         WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace",
    )
    .fetch_all(pool)
    .await
    .map_err(pg)?;
    let mut deps: HashMap<String, Vec<String>> = HashMap::new();
    for r in rows {
        let (from, to): (String, String) = (r.get(0), r.get(1));
        let clean = |s: String| s.trim_matches('"').to_string();
        deps.entry(clean(from)).or_default().push(clean(to));
    }
    let mut names: Vec<&String> = tables.keys().collect();
    names.sort();
    let mut order: Vec<String> = Vec::new();
    while order.len() < names.len() {
        let before = order.len();
        for t in &names {
            if order.contains(t) {
                continue;
            }
            let ready = deps.get(*t).is_none_or(|d| d.iter().all(|x| x == *t || order.contains(x)));
            if ready {
                order.push((*t).clone());
            }
        }
        if order.len() == before {
            return Err(DbError::Migration("foreign keys form a cycle".into()));
        }
    }
    Ok(order)
}

/// The SQLite file's tables and their columns (SQLite's and sqlx's own left out).
async fn sqlite_tables(file: PathBuf) -> DbResult<HashMap<String, Vec<String>>> {
    tokio::task::spawn_blocking(move || {
        let conn = open(&file)?;
        let mut stmt = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
                 AND name NOT LIKE '\\_sqlx%' ESCAPE '\\'",
            )
            .map_err(lite)?;
        let names: Vec<String> =
            stmt.query_map([], |r| r.get(0)).map_err(lite)?.collect::<Result<_, _>>().map_err(lite)?;
        let mut out = HashMap::new();
        for t in names {
            let mut cols = conn.prepare(&format!("SELECT name FROM pragma_table_info('{t}')")).map_err(lite)?;
            let c: Vec<String> =
                cols.query_map([], |r| r.get(0)).map_err(lite)?.collect::<Result<_, _>>().map_err(lite)?;
            out.insert(t, c);
        }
        Ok(out)
    })
    .await
    .map_err(|e| DbError::Internal(format!("reader thread: {e}")))?
}

fn open(file: &Path) -> DbResult<rusqlite::Connection> {
    if !file.exists() {
        return Err(DbError::Migration(format!("{}: no such SQLite database", file.display())));
    }
    rusqlite::Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(lite)
}

/// Rows of the plan's table at this index, every value as text (NULL as None).
type Batch = (usize, Vec<Vec<Option<String>>>);

/// Reads every planned table in one read transaction and sends it in batches, as text; returns
/// the row count per table.
fn read_all(
    file: &Path,
    plan: &[(String, Vec<Column>)],
    out: &tokio::sync::mpsc::Sender<DbResult<Batch>>,
) -> DbResult<HashMap<String, u64>> {
    let mut conn = open(file)?;
    let tx = conn.transaction().map_err(lite)?;
    let mut counts = HashMap::new();
    for (i, (table, cols)) in plan.iter().enumerate() {
        let list: Vec<String> = cols.iter().map(|c| format!("\"{}\"", c.name)).collect();
        let mut stmt = tx.prepare(&format!("SELECT {} FROM \"{table}\"", list.join(", "))).map_err(lite)?;
        let mut rows = stmt.query([]).map_err(lite)?;
        let mut batch = Vec::with_capacity(BATCH);
        let mut n = 0u64;
        while let Some(r) = rows.next().map_err(lite)? {
            let mut vals = Vec::with_capacity(cols.len());
            for (j, c) in cols.iter().enumerate() {
                vals.push(as_text(r.get_ref(j).map_err(lite)?, &c.pg_type));
            }
            batch.push(vals);
            n += 1;
            if batch.len() == BATCH && out.blocking_send(Ok((i, std::mem::take(&mut batch)))).is_err() {
                return Ok(counts);
            }
        }
        if !batch.is_empty() && out.blocking_send(Ok((i, batch))).is_err() {
            return Ok(counts);
        }
        counts.insert(table.clone(), n);
    }
    Ok(counts)
}

/// An SQLite value as the text PostgreSQL parses into `pg_type`.
fn as_text(v: ValueRef<'_>, pg_type: &str) -> Option<String> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) if pg_type == "boolean" => Some((i != 0).to_string()),
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) if pg_type == "bytea" => {
            Some(format!("\\x{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>()))
        }
        ValueRef::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
    }
}

async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    table: &str,
    cols: &[Column],
    rows: &[Vec<Option<String>>],
) -> DbResult<()> {
    let names: Vec<String> = cols.iter().map(|c| format!("\"{}\"", c.name)).collect();
    let mut sql = format!("INSERT INTO \"{table}\" ({}) VALUES ", names.join(", "));
    let mut n = 0;
    for (i, _) in rows.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for (j, c) in cols.iter().enumerate() {
            if j > 0 {
                sql.push_str(", ");
            }
            n += 1;
            sql.push_str(&format!("${n}::text::{}", c.pg_type));
        }
        sql.push(')');
    }
    let mut q = sqlx::query(&sql);
    for r in rows {
        for v in r {
            q = q.bind(v.clone());
        }
    }
    q.execute(&mut **tx).await.map_err(pg)?;
    Ok(())
}

/// Ids were copied as they were: move each sequence past the largest, so the next row the desk
/// inserts continues the numbering instead of colliding.
async fn reset_sequences(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    table: &str,
    cols: &[Column],
) -> DbResult<()> {
    for c in cols {
        let seq: Option<String> = sqlx::query("SELECT pg_get_serial_sequence($1, $2)")
            .bind(format!("\"{table}\""))
            .bind(&c.name)
            .fetch_one(&mut **tx)
            .await
            .map_err(pg)?
            .get(0);
        if let Some(seq) = seq {
            sqlx::query(&format!(
                "SELECT setval($1, COALESCE((SELECT MAX(\"{}\") FROM \"{table}\"), 0) + 1, false)",
                c.name
            ))
            .bind(seq)
            .execute(&mut **tx)
            .await
            .map_err(pg)?;
        }
    }
    Ok(())
}
