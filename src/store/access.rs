//! The database's mode and its operators.
use super::entity::operator;
use super::{execute, query_one};
use crate::domain::access::{Mode, Role};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, QueryOrder, Set};

/// The mode `init` fixed, if it ran.
pub async fn mode<C: ConnectionTrait>(c: &C) -> Result<Option<Mode>, DbErr> {
    let row = query_one(c, "SELECT value FROM setting WHERE key = 'mode'", vec![]).await?;
    Ok(row.map(|r| r.try_get_by_index::<String>(0)).transpose()?.and_then(|v| Mode::parse(&v)))
}

/// Fixes the mode; a database that has one keeps it (returns false).
pub async fn fix_mode<C: ConnectionTrait>(c: &C, mode: Mode) -> Result<bool, DbErr> {
    if self::mode(c).await?.is_some() {
        return Ok(false);
    }
    execute(c, "INSERT INTO setting (key, value) VALUES ('mode', $1)", vec![mode.as_str().into()]).await?;
    Ok(true)
}

/// An operator as registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operator {
    pub name: String,
    /// `None`: a role this version does not know (read as no role).
    pub role: Option<Role>,
    pub created_at: i64,
    pub created_by: String,
    pub disabled_at: Option<i64>,
    pub disabled_by: Option<String>,
}

impl From<operator::Model> for Operator {
    fn from(m: operator::Model) -> Self {
        Operator {
            role: Role::parse(&m.role),
            name: m.name,
            created_at: m.created_at,
            created_by: m.created_by,
            disabled_at: m.disabled_at,
            disabled_by: m.disabled_by,
        }
    }
}

pub async fn get<C: ConnectionTrait>(c: &C, name: &str) -> Result<Option<Operator>, DbErr> {
    Ok(operator::Entity::find_by_id(name.to_string()).one(c).await?.map(Operator::from))
}

/// Every operator by name, the disabled ones too.
pub async fn list<C: ConnectionTrait>(c: &C) -> Result<Vec<Operator>, DbErr> {
    let rows = operator::Entity::find().order_by_asc(operator::Column::Name).all(c).await?;
    Ok(rows.into_iter().map(Operator::from).collect())
}

/// Admins who are not disabled.
pub async fn active_admins<C: ConnectionTrait>(c: &C) -> Result<i64, DbErr> {
    super::count(c, "SELECT COUNT(*) FROM operator WHERE role = 'admin' AND disabled_at IS NULL", vec![]).await
}

pub async fn insert<C: ConnectionTrait>(c: &C, name: &str, role: Role, at: i64, by: &str) -> Result<(), DbErr> {
    operator::ActiveModel {
        name: Set(name.to_string()),
        role: Set(role.as_str().to_string()),
        created_at: Set(at),
        created_by: Set(by.to_string()),
        disabled_at: Set(None),
        disabled_by: Set(None),
    }
    .insert(c)
    .await?;
    Ok(())
}

/// Sets the role and, with `enable`, clears a disabling (an admin registering someone again).
pub async fn set_role<C: ConnectionTrait>(c: &C, name: &str, role: Role, enable: bool) -> Result<(), DbErr> {
    let sql = if enable {
        "UPDATE operator SET role = $1, disabled_at = NULL, disabled_by = NULL WHERE name = $2"
    } else {
        "UPDATE operator SET role = $1 WHERE name = $2"
    };
    execute(c, sql, vec![role.as_str().into(), name.into()]).await?;
    Ok(())
}

pub async fn disable<C: ConnectionTrait>(c: &C, name: &str, at: i64, by: &str) -> Result<(), DbErr> {
    execute(
        c,
        "UPDATE operator SET disabled_at = $1, disabled_by = $2 WHERE name = $3",
        vec![at.into(), by.into(), name.into()],
    )
    .await?;
    Ok(())
}
