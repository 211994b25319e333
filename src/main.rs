//! clap → logging → config → store (created and migrated) → CLI command or console.
use refdesk::cli::args::Cli;
use refdesk::{app, cli, service, tui};

fn main() {
    let _ = app::STARTED.set(std::time::Instant::now());
    // A CLI piped into `head` should end quietly, as Unix tools do, not panic on a closed pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args = refdesk::cli::args::parse();
    // The console runs all day beside others on an SSH host: its allocator asks for transparent
    // huge pages, and every 2 MB page it touches stays resident (a quarter of its memory at
    // start). A bulk import keeps them: there they save page faults.
    #[cfg(target_os = "linux")]
    if args.command.is_none() {
        // SAFETY: a process-wide flag read by the kernel at page faults; no memory is involved.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
    // Everything refdesk creates (the database, its -wal and -shm, the log, exports) holds the
    // partners' personal data: for its owner only, whatever umask the login shell left.
    #[cfg(unix)]
    // SAFETY: umask only sets the process's file-creation mask.
    unsafe {
        libc::umask(0o077);
    }
    let _log = app::init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start: {e}");
            std::process::exit(1);
        }
    };
    let code = runtime.block_on(run(args));
    // Dropping the runtime would wait on blocking readers (stdin); exit at once instead.
    drop(_log);
    std::process::exit(code);
}

async fn run(args: Cli) -> i32 {
    let setup = || -> Result<_, String> {
        let terms = app::load_terms(args.config.as_deref())?;
        let config_db = app::config_db_url(args.config.as_deref())?;
        let limits = app::config_limits(args.config.as_deref())?;
        let clock = app::parse_now(args.now.as_deref(), &terms.events)?;
        let lang = app::pick_lang(args.lang.as_deref())?;
        let operator = args.operator.clone().unwrap_or_else(app::login);
        Ok((terms, config_db, limits, clock, lang, operator))
    };
    let (terms, config_db, limits, clock, lang, operator) = match setup() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    // --demo: a fresh demonstration database in a temporary file, removed on exit.
    let demo_dir = if args.demo && args.command.is_none() {
        match tempfile::tempdir() {
            Ok(d) => Some(d),
            Err(e) => {
                eprintln!("cannot create a temporary directory: {e}");
                return 1;
            }
        }
    } else {
        None
    };
    let db = match &demo_dir {
        Some(d) => format!("sqlite://{}?mode=rwc", d.path().join("demo.db").display()),
        None => args.db.clone().or(config_db).unwrap_or_else(app::default_db_url),
    };
    // A --db refdesk cannot use is bad usage (2); one it cannot open is a failure (1).
    if let Err(e) = refdesk::store::check_url(&db) {
        eprintln!("{e}");
        return 2;
    }
    let ctx = match app::context(&db, limits, lang, terms, operator, clock).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    // Who is acting: on a production database, the login and no one else.
    use refdesk::cli::args::Command;
    let becomes_sandbox =
        demo_dir.is_some() || matches!(args.command, Some(Command::Init { sandbox: true }) | Some(Command::Demo(_)));
    if let Err(e) = service::access::identify(&ctx, &app::login(), becomes_sandbox).await {
        eprintln!("{e}");
        return e.exit_code();
    }
    if demo_dir.is_some() {
        eprintln!("Preparing a demonstration program…");
        if let Err(e) = refdesk::demo::run(&ctx, 300, 6000, 1, |_| {}).await {
            eprintln!("demo: {e}");
            return 1;
        }
    }
    if let Err(e) = service::bonuses::auto_release(&ctx).await {
        eprintln!("{e}");
        return e.exit_code();
    }
    match args.command {
        Some(cmd) => cli::run(&ctx, lang, cmd).await,
        None => match tui::run(ctx, lang).await {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("{e}");
                1
            }
        },
    }
}
