//! Bulk reads and writes for many rows at once (the import): multi-row INSERTs of SeaORM active
//! models, and lookups of many keys with `IN (…)`.
//!
//! Each statement binds many values, so two things matter that do not for ordinary queries:
//! - SQLite finds a numbered placeholder (`?17`) by walking the list of every placeholder, which
//!   makes binding quadratic in their number; these statements use plain `?` on SQLite (and `$n`
//!   on PostgreSQL) in their natural order.
//! - Preparing a statement costs about as much as running it. Statements come in a few fixed
//!   sizes (powers of two rows or keys), so that each is prepared once per connection and then
//!   found in sqlx's statement cache; a key list is padded to its size by repeating its last key,
//!   which `IN` ignores.
use sea_orm::{
    ActiveModelTrait, ActiveValue, ConnectionTrait, DbBackend, DbErr, EntityName, EntityTrait, IdenStatic, Iterable,
    QueryResult, Statement, Value,
};
use std::fmt::Write as _;

/// Rows per INSERT statement at most. Beyond a few hundred rows a statement saves nothing more
/// per row, while its prepared form keeps growing in the statement cache.
const INSERT_ROWS: usize = 256;
/// Keys per `IN (…)` statement at most.
const IN_KEYS: usize = 1024;
/// The smallest `IN (…)` statement, so that small lookups share one size.
const IN_KEYS_MIN: usize = 16;

/// Bound values per statement: SQLite's default limit (32 766) and PostgreSQL's (65 535).
fn max_params(backend: DbBackend) -> usize {
    if backend == DbBackend::Postgres { 65_535 } else { 32_766 }
}

/// `(?,?,…)` rows for SQLite, `($k,$k+1,…)` for PostgreSQL; `next` is the last number used.
fn push_tuple(sql: &mut String, backend: DbBackend, width: usize, next: &mut usize) {
    sql.push('(');
    for i in 0..width {
        if i > 0 {
            sql.push(',');
        }
        if backend == DbBackend::Postgres {
            *next += 1;
            let _ = write!(sql, "${next}");
        } else {
            sql.push('?');
        }
    }
    sql.push(')');
}

/// The statement sizes for `n` items with at most `max` per statement: as many full statements
/// as fit, then the rest in halving powers of two (300 with max 256: 256, 32, 8, 4).
fn sizes(n: usize, max: usize) -> impl Iterator<Item = usize> {
    let full = n / max;
    let rest = n % max;
    std::iter::repeat_n(max, full).chain((0..usize::BITS).rev().map(|b| 1usize << b).filter(move |p| rest & p != 0))
}

/// The INSERT statements for `rows`, as few as the sizes allow, added to `out` in order. Every
/// row must set the same columns (an auto-increment key left unset in all of them is assigned by
/// the database). Run the statements inside a transaction: a failing one leaves the rows before
/// it inserted.
pub fn insert_statements<A: ActiveModelTrait>(
    backend: DbBackend,
    mut rows: Vec<A>,
    out: &mut Vec<Statement>,
) -> Result<(), DbErr> {
    let Some(first) = rows.first() else { return Ok(()) };
    let columns: Vec<_> = <A::Entity as EntityTrait>::Column::iter()
        .filter(|col| !matches!(first.get(*col), ActiveValue::NotSet))
        .collect();
    if columns.is_empty() {
        return Err(DbErr::Custom("a bulk insert without columns".into()));
    }
    let table = <A::Entity as Default>::default().table_name().to_string();
    // A failing row fails the statement without undoing the rows before it: the caller's
    // transaction is rolled back anyway, and SQLite then keeps no statement journal (with foreign
    // keys checked at commit).
    let verb = if backend == DbBackend::Sqlite { "INSERT OR FAIL" } else { "INSERT" };
    let mut head = format!("{verb} INTO \"{table}\" (");
    for (i, col) in columns.iter().enumerate() {
        if i > 0 {
            head.push(',');
        }
        let _ = write!(head, "\"{}\"", col.as_str());
    }
    head.push_str(") VALUES ");
    let per_statement = (max_params(backend) / columns.len()).min(INSERT_ROWS);
    let per_statement = 1usize << per_statement.ilog2();
    let mut rows = rows.iter_mut();
    for size in sizes(rows.len(), per_statement) {
        let mut sql = String::with_capacity(head.len() + size * (columns.len() * 2 + 3));
        sql.push_str(&head);
        let mut next = 0;
        let mut values = Vec::with_capacity(size * columns.len());
        for (i, row) in rows.by_ref().take(size).enumerate() {
            if i > 0 {
                sql.push(',');
            }
            push_tuple(&mut sql, backend, columns.len(), &mut next);
            for col in &columns {
                match row.take(*col) {
                    ActiveValue::Set(v) | ActiveValue::Unchanged(v) => values.push(v),
                    ActiveValue::NotSet => {
                        return Err(DbErr::Custom(format!("a row for {table} lacks {}", col.as_str())));
                    }
                }
            }
        }
        out.push(Statement::from_sql_and_values(backend, sql, values));
    }
    Ok(())
}

/// Runs `{head} (…)` for every key, where `head` ends in `IN` and has no placeholder of its own,
/// and returns all the rows. Duplicate keys are harmless.
pub async fn select_in<C: ConnectionTrait>(c: &C, head: &str, keys: Vec<Value>) -> Result<Vec<QueryResult>, DbErr> {
    let backend = c.get_database_backend();
    let mut out = Vec::new();
    let mut keys = keys.into_iter().peekable();
    while keys.peek().is_some() {
        let mut values: Vec<Value> = keys.by_ref().take(IN_KEYS).collect();
        let size = values.len().next_power_of_two().max(IN_KEYS_MIN);
        let mut sql = String::with_capacity(head.len() + size * 6 + 2);
        sql.push_str(head);
        sql.push(' ');
        push_tuple(&mut sql, backend, size, &mut 0);
        if let Some(last) = values.last().cloned() {
            values.resize(size, last);
        }
        out.extend(c.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_sizes() {
        assert_eq!(sizes(0, 256).collect::<Vec<_>>(), Vec::<usize>::new());
        assert_eq!(sizes(300, 256).collect::<Vec<_>>(), vec![256, 32, 8, 4]);
        assert_eq!(sizes(512, 256).collect::<Vec<_>>(), vec![256, 256]);
        assert_eq!(sizes(7, 256).collect::<Vec<_>>(), vec![4, 2, 1]);
    }

    #[test]
    fn placeholders_per_backend() {
        let mut s = String::new();
        push_tuple(&mut s, DbBackend::Sqlite, 3, &mut 0);
        assert_eq!(s, "(?,?,?)");
        let (mut s, mut n) = (String::new(), 2);
        push_tuple(&mut s, DbBackend::Postgres, 2, &mut n);
        assert_eq!((s.as_str(), n), ("($3,$4)", 4));
    }
}
