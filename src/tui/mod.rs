//! The full-screen console (being built).
use crate::domain::Lang;
use crate::service::Ctx;

pub async fn run(_ctx: Ctx, _lang: Lang) -> anyhow::Result<()> {
    anyhow::bail!("the console is not built yet")
}
