//! The full-screen console: terminal setup and restore, the event loop, and the effects that
//! call the services. The `App` in `app` routes actions (`action`) to the screens in `screens`,
//! each a `component`; `chrome` draws the frame around them, `dialog` the shared dialogs,
//! `paging` is how lists are read a part at a time, `keys` reads keys, `i18n` holds the words.
//! Rendering is a pure function of the state.
mod access;
mod action;
mod app;
mod audit_io;
mod chrome;
mod clipboard;
mod columns;
mod component;
mod dialog;
mod frames;
mod i18n;
mod keymap;
mod keys;
mod paging;
mod palette;
mod screens;
mod search;
mod widgets;

#[cfg(test)]
mod abuse_tests;
#[cfg(test)]
mod access_tests;
#[cfg(test)]
mod audit_tests;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod hygiene_tests;
#[cfg(test)]
mod payouts_tests;
#[cfg(test)]
mod sizes;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tools_tests;
#[cfg(test)]
mod tree_tests;

use crate::domain::Lang;
use crate::service::{self, Clock, Ctx};
use action::{Action, Effect};
use app::App;
use chrome::render;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event};
use ratatui::crossterm::terminal::{self, BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::crossterm::{cursor, execute};
use ratatui::layout::Rect;
use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

/// Runs the console until the operator quits, the terminal goes away (SIGHUP, a read error) or
/// the process is asked to stop (SIGTERM, SIGINT).
pub async fn run(ctx: Ctx, lang: Lang) -> anyhow::Result<()> {
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    // Read before the screen opens, so that a wrong entry is said on the console and stops here.
    let keymap = keymap::Keymap::load().map_err(|e| anyhow::anyhow!(e))?;
    let mut app = App::new(lang, ctx.operator.clone(), ctx.store.describe(), ctx.terms.timezone, ctx.now(), color);
    app.keymap = keymap;
    app.standing = Some(crate::service::access::standing(&ctx).await?);
    let mut terminal = term::enter()?;
    let result = event_loop(&ctx, &mut app, &mut terminal).await;
    term::leave();
    result
}

enum TermMsg {
    Event(Event),
    Failed(String),
}

/// Reads the terminal on its own thread (crossterm's reads block) until told to stop.
fn spawn_reader(tx: UnboundedSender<TermMsg>, stop: Arc<AtomicBool>) -> io::Result<()> {
    std::thread::Builder::new().name("refdesk-keys".into()).spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            let msg = match event::poll(Duration::from_millis(200)) {
                Ok(false) => continue,
                Ok(true) => match event::read() {
                    Ok(ev) => TermMsg::Event(ev),
                    Err(e) => TermMsg::Failed(e.to_string()),
                },
                Err(e) => TermMsg::Failed(e.to_string()),
            };
            let failed = matches!(msg, TermMsg::Failed(_));
            if tx.send(msg).is_err() || failed {
                break;
            }
        }
    })?;
    Ok(())
}

fn draw(terminal: &mut Terminal<CrosstermBackend<Stdout>>, app: &App) -> io::Result<()> {
    // One synchronized update per frame: no tearing over a slow link.
    execute!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    let r = terminal.draw(|f| render(app, f)).map(|_| ());
    execute!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    r
}

async fn event_loop(ctx: &Ctx, app: &mut App, terminal: &mut Terminal<CrosstermBackend<Stdout>>) -> anyhow::Result<()> {
    let (term_tx, mut term_rx) = unbounded_channel();
    let (act_tx, mut act_rx) = unbounded_channel::<Action>();
    let stop = Arc::new(AtomicBool::new(false));
    spawn_reader(term_tx, stop.clone())?;
    let _stop_reader = StopOnDrop(stop);
    let mut hangup = signal(SignalKind::hangup())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    // The clock on the status line moves only when it is the system's.
    let mut tick = matches!(ctx.clock, Clock::System).then(|| {
        let mut i = tokio::time::interval(Duration::from_secs(1));
        i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        i
    });

    let started = crate::app::STARTED.get().copied().unwrap_or_else(std::time::Instant::now);
    let mut trace = frames::FrameLog::from_env(started);
    let size = terminal.size()?;
    app.update(Action::Resize(size.width, size.height));
    let first = app.start();
    trace.started(frames::loads(&first));
    run_effects(ctx, app.lang, first, &act_tx, terminal)?;
    draw(terminal, app)?;
    // Reads the screen again after this long without a key (0: never).
    let idle = Duration::from_secs(ctx.terms.auto_refresh_seconds.into());
    let mut last_key = tokio::time::Instant::now();

    loop {
        let action = tokio::select! {
            msg = term_rx.recv() => match msg {
                Some(TermMsg::Event(Event::Key(k))) => {
                    // Mapped by the App itself: a key may have to wait for rows on their way.
                    last_key = tokio::time::Instant::now();
                    trace.key(&k);
                    let effects = app.key(k);
                    trace.started(frames::loads(&effects));
                    run_effects(ctx, app.lang, effects, &act_tx, terminal)?;
                    if app.quit {
                        break;
                    }
                    if app.redraw {
                        draw(terminal, app)?;
                        app.redraw = false;
                    }
                    trace.flushed();
                    continue;
                }
                Some(TermMsg::Event(Event::Resize(w, h))) => {
                    // Also at the same size (a reattach): clear and draw everything again.
                    terminal.resize(Rect::new(0, 0, w, h))?;
                    app.redraw = true;
                    Action::Resize(w, h)
                }
                Some(TermMsg::Event(Event::Mouse(m))) => match keys::mouse(app, m) {
                    Some(a) => a,
                    None => continue,
                },
                Some(TermMsg::Event(_)) => continue,
                Some(TermMsg::Failed(e)) => {
                    tracing::warn!("the terminal cannot be read any more, quitting: {e}");
                    break;
                }
                None => {
                    tracing::warn!("the terminal reader stopped, quitting");
                    break;
                }
            },
            Some(a) = act_rx.recv() => {
                // A search's timer is the wait for typing to pause, not a load.
                if !matches!(a, Action::SearchDue { .. }) {
                    trace.answered();
                }
                a
            }
            _ = hangup.recv() => {
                tracing::info!("SIGHUP: the terminal is gone, quitting");
                break;
            }
            _ = terminate.recv() => {
                tracing::info!("SIGTERM: quitting");
                break;
            }
            _ = interrupt.recv() => {
                tracing::info!("SIGINT: quitting");
                break;
            }
            _ = async {
                match tick.as_mut() {
                    Some(t) => t.tick().await,
                    None => std::future::pending().await,
                }
            } => Action::Tick(ctx.now()),
            _ = async {
                if idle.is_zero() {
                    std::future::pending::<()>().await
                }
                tokio::time::sleep_until(last_key + idle).await
            } => {
                // Idle again from now: the next refresh is another period away.
                last_key = tokio::time::Instant::now();
                Action::Refresh
            }
        };
        let resized = matches!(action, Action::Resize(..));
        let effects = app.update(action);
        trace.started(frames::loads(&effects));
        run_effects(ctx, app.lang, effects, &act_tx, terminal)?;
        if app.quit {
            break;
        }
        if app.redraw || resized {
            draw(terminal, app)?;
            app.redraw = false;
        }
        trace.flushed();
    }
    Ok(())
}

struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Starts the service calls; a copy to the clipboard is written to the terminal at once, between
/// two frames.
fn run_effects(
    ctx: &Ctx,
    lang: Lang,
    effects: Vec<Effect>,
    tx: &UnboundedSender<Action>,
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
) -> io::Result<()> {
    for e in effects {
        match e {
            Effect::Copy(text) => {
                let out = terminal.backend_mut();
                out.write_all(clipboard::osc52(&text).as_bytes())?;
                out.flush()?;
            }
            e => spawn_effect(ctx, lang, e, tx.clone()),
        }
    }
    Ok(())
}

/// Runs one service call on a task; its answer comes back as an action with the request id.
fn spawn_effect(ctx: &Ctx, lang: Lang, effect: Effect, tx: UnboundedSender<Action>) {
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let text = |e: service::ServiceError| {
            tracing::warn!("{e}");
            i18n::service_error(lang, &e)
        };
        let action = match effect {
            Effect::Debounce { req, screen, text, ms } => {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                Action::SearchDue { screen, req, text }
            }
            Effect::LoadDashboard { req } => {
                Action::DashboardLoaded(req, service::dashboard::load(&ctx).await.map(Box::new).map_err(text))
            }
            Effect::LoadPartners { req, query } => {
                Action::PartnersLoaded(req, service::partners::list(&ctx, &query).await.map_err(text))
            }
            Effect::LoadDetail { req, code } => {
                Action::DetailLoaded(req, service::partners::show(&ctx, &code).await.map(Box::new).map_err(text))
            }
            Effect::LoadDetailPage { req, account_id, more, find } => Action::DetailPageLoaded(
                req,
                service::partners::detail_page(&ctx, &account_id, &more, find.as_ref()).await.map_err(text),
            ),
            Effect::FindInDetail { req, account_id, part, find } => Action::DetailFound(
                req,
                service::partners::find_in_detail(&ctx, &account_id, part, find.as_ref()).await.map_err(text),
            ),
            Effect::CountPartners { req, query } => {
                Action::PartnersCounted(req, service::partners::count(&ctx, &query).await.map_err(text))
            }
            Effect::CountBonuses { req, query } => {
                Action::BonusesCounted(req, service::bonuses::list_total(&ctx, &query).await.map_err(text))
            }
            Effect::LoadBonuses { req, query } => {
                Action::BonusesLoaded(req, service::bonuses::list(&ctx, &query).await.map_err(text))
            }
            Effect::LoadBonusDetail { req, id } => {
                Action::BonusDetailLoaded(req, service::bonuses::detail(&ctx, id).await.map(Box::new).map_err(text))
            }
            Effect::PreviewApprove { req, ids } => {
                Action::Previewed(req, service::bonuses::preview_approve(&ctx, ids.as_deref()).await.map_err(text))
            }
            Effect::Approve { req, ids } => {
                let r = writing(&tx, service::bonuses::approve(&ctx, Some(&ids))).await;
                if let Ok(p) = &r {
                    tracing::info!(operator = %ctx.operator, count = p.ids.len(), total = %p.total, "approved bonuses");
                }
                Action::Approved(req, r.map_err(text))
            }
            Effect::LoadRuns { req } => Action::RunsLoaded(req, service::payouts::list(&ctx).await.map_err(text)),
            Effect::LoadRun { req, id } => {
                Action::RunLoaded(req, service::payout_views::head(&ctx, id).await.map(Box::new).map_err(text))
            }
            Effect::LoadRunLines { req, id, status, after, limit } => Action::RunLinesLoaded(
                req,
                service::payout_views::lines_page(&ctx, id, status, after.as_deref(), limit).await.map_err(text),
            ),
            Effect::LoadNextRun { req } => {
                Action::NextRunLoaded(req, service::payout_views::next_run(&ctx).await.map(Box::new).map_err(text))
            }
            Effect::PayoutStep { req, step } => {
                // The step runs while the screen is told, each second, that it still does.
                let work = payout_step(&ctx, step);
                tokio::pin!(work);
                let started = std::time::Instant::now();
                let mut every = tokio::time::interval(Duration::from_secs(1));
                every.tick().await;
                let res = loop {
                    tokio::select! {
                        r = &mut work => break r,
                        _ = every.tick() => {
                            let _ = tx.send(Action::PayoutWorking(req, started.elapsed().as_secs()));
                        }
                    }
                };
                Action::PayoutStepped(req, res.map_err(text))
            }
            Effect::LoadCases { req, which } => {
                let read = service::fraud::list(&ctx, which).await;
                Action::CasesLoaded(req, read.map_err(text))
            }
            Effect::LoadCase { req, id } => {
                Action::CaseLoaded(req, case_read(&ctx, id).await.map(Box::new).map_err(text))
            }
            Effect::LoadTree { req, code } => {
                Action::TreeLoaded(req, service::tree::rooted(&ctx, &code).await.map(Box::new).map_err(text))
            }
            Effect::LoadLevel { req, account_id } => {
                Action::LevelLoaded(req, service::tree::level(&ctx, &account_id).await.map(Box::new).map_err(text))
            }
            Effect::DecideCase { req, id, decision, reason } => {
                let r = writing(&tx, service::fraud::decide(&ctx, id, decision, &reason)).await;
                if let Ok(d) = &r {
                    tracing::info!(operator = %ctx.operator, case = id, status = d.status.as_str(), "abuse case decided");
                }
                Action::CaseDecided(req, r.map(Box::new).map_err(text))
            }
            Effect::Audit(call) => audit_io::answer(&ctx, lang, call).await,
            Effect::Export(of) => Action::Exported(export(&ctx, lang, &of).await),
            // Written by `run_effects`, never sent here.
            Effect::Copy(_) => return,
            Effect::Void { req, ids, reason } => {
                let r = writing(&tx, service::bonuses::void_many(&ctx, &ids, &reason)).await;
                if r.is_ok() {
                    tracing::info!(operator = %ctx.operator, bonuses = ?ids, "voided bonuses");
                }
                Action::Voided(req, ids, r.map_err(text))
            }
        };
        let _ = tx.send(action);
    });
}

/// Runs a change; while it is still being written after a second (it may wait for another
/// change to be written first, up to the lock timeout), the flash line says so each second. The
/// answer then says what happened.
async fn writing<T>(tx: &UnboundedSender<Action>, work: impl std::future::Future<Output = T>) -> T {
    tokio::pin!(work);
    let started = std::time::Instant::now();
    let mut every = tokio::time::interval(Duration::from_secs(1));
    every.tick().await;
    loop {
        tokio::select! {
            r = &mut work => return r,
            _ = every.tick() => {
                let _ = tx.send(Action::Writing(started.elapsed().as_secs()));
            }
        }
    }
}

/// An abuse case with its partner's standing and balance (not the whole partner detail: its
/// ledger and clients pages are not shown here).
async fn case_read(ctx: &Ctx, id: i64) -> service::Result<action::CaseRead> {
    let case = service::fraud::show(ctx, id).await?;
    let (partner, code) = service::partners::find(ctx, &case.partner).await?;
    let status = service::partners::Status::of(&partner.status, code.active);
    let balance = service::partners::balance(ctx, &partner.account_id).await?;
    Ok(action::CaseRead { case, status, balance })
}

/// A payout step as the CLI takes it; bank files go to the directory refdesk was started from.
async fn payout_step(ctx: &Ctx, step: action::RunStep) -> service::Result<action::StepDone> {
    use action::{RunStep, StepDone};
    use service::payouts::{self, FileFormat};
    let run = |r: payouts::RunView| StepDone::Run(Box::new(r));
    let done = match step {
        RunStep::Prepare(month) => run(payouts::prepare(ctx, &month).await?),
        RunStep::Approve(id) => run(payouts::approve(ctx, id).await?),
        RunStep::Discard(id) => run(payouts::discard(ctx, id).await?),
        RunStep::Complete { run: id, failed } => run(payouts::complete(ctx, id, &failed).await?),
        RunStep::Export { run: id, csv, pain001 } => {
            let dir = std::env::current_dir()
                .map_err(|e| service::ServiceError::Unwritable { file: ".".into(), error: e.to_string() })?;
            let mut files = Vec::new();
            if let Some(xml) = pain001 {
                files.push(payouts::export(ctx, id, FileFormat::Pain001, &dir.join(xml)).await?);
            }
            files.push(payouts::export(ctx, id, FileFormat::Csv, &dir.join(csv)).await?);
            StepDone::Exported { run: id, files }
        }
    };
    tracing::info!(operator = %ctx.operator, step = ?done_name(&done), "payout step done");
    Ok(done)
}

fn done_name(done: &action::StepDone) -> String {
    match done {
        action::StepDone::Run(r) => format!("run {} {}", r.id, r.state),
        action::StepDone::Exported { run, files } => format!("run {run} exported to {} files", files.len()),
    }
}

/// Writes a list to CSV in the directory refdesk was started from: the file's name and rows, or
/// why not in one sentence.
async fn export(ctx: &Ctx, lang: Lang, of: &service::export::ExportOf) -> Result<(String, usize), String> {
    use service::export::ExportError;
    let dir = std::env::current_dir().map_err(|e| i18n::export_failed(lang, ".", &e.to_string()))?;
    match service::export::export(ctx, of, &dir).await {
        Ok(done) => {
            let file = done.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            tracing::info!(operator = %ctx.operator, file = %done.file.display(), rows = done.rows, "exported");
            Ok((file, done.rows))
        }
        Err(ExportError::Read(e)) => {
            tracing::warn!("{e}");
            Err(i18n::service_error(lang, &e))
        }
        Err(ExportError::Write { file, error }) => {
            tracing::warn!("cannot write {file}: {error}");
            Err(i18n::export_failed(lang, &file, &error))
        }
    }
}

/// Entering and leaving the terminal's full-screen mode, and leaving it on a panic too.
mod term {
    use super::*;

    /// Whether the terminal is in our mode: restoring happens once, whoever gets there first.
    static ACTIVE: AtomicBool = AtomicBool::new(false);
    static HOOK: Once = Once::new();

    pub fn enter() -> anyhow::Result<Terminal<CrosstermBackend<Stdout>>> {
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                let was_active = leave();
                previous(info);
                if was_active {
                    // The screen is gone: a console with a dead task must not go on.
                    std::process::exit(101);
                }
            }));
        });
        terminal::enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let setup = (|| -> io::Result<Terminal<CrosstermBackend<Stdout>>> {
            execute!(
                io::stdout(),
                terminal::EnterAlternateScreen,
                event::EnableMouseCapture,
                cursor::Hide,
                terminal::Clear(terminal::ClearType::All)
            )?;
            Terminal::new(CrosstermBackend::new(io::stdout()))
        })();
        match setup {
            Ok(t) => Ok(t),
            Err(e) => {
                leave();
                Err(e.into())
            }
        }
    }

    /// Restores raw mode, mouse reporting, the main screen and the cursor; only the first call
    /// does anything (every exit path and the panic hook come here).
    pub fn leave() -> bool {
        if !ACTIVE.swap(false, Ordering::SeqCst) {
            return false;
        }
        let _ = terminal::disable_raw_mode();
        let _ = execute!(
            io::stdout(),
            EndSynchronizedUpdate,
            event::DisableMouseCapture,
            terminal::LeaveAlternateScreen,
            cursor::Show
        );
        true
    }
}
