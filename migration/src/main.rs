//! Applies refdesk's migrations to `DATABASE_URL` (the refdesk binary does this by itself on
//! first use; this is for deployments that migrate as a separate step).
use migration::{Migrator, MigratorTrait};
use sea_orm_migration::sea_orm::Database;

#[tokio::main]
async fn main() {
    let Ok(url) = std::env::var("DATABASE_URL") else {
        eprintln!("DATABASE_URL is not set: give the database to migrate, e.g. postgres://host/refdesk");
        std::process::exit(2);
    };
    let result = async {
        let db = Database::connect(url.as_str()).await?;
        Migrator::up(&db, None).await
    }
    .await;
    if let Err(e) = result {
        eprintln!("migration failed: {e}");
        std::process::exit(1);
    }
}
