//! End to end: the real binary in a pseudo-terminal, driven as an operator would drive it over
//! SSH — open the demo, go to the partners screen, open a partner and read it; and drive it
//! with the Russian keyboard layout on; reach a screen through the command palette; prepare a
//! payout run.
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
}

impl Screen {
    fn text(&self) -> String {
        self.parser.lock().map(|p| p.screen().contents()).unwrap_or_default()
    }

    /// Waits until the screen shows `needle`; fails with the screen as it is.
    fn wait_for(&self, needle: &str, secs: u64) -> Result<String, String> {
        self.wait_until(&format!("{needle:?}"), secs, |t| t.contains(needle))
    }

    /// The screen once `shows` holds of it (`what` names it when it never does).
    fn wait_until(&self, what: &str, secs: u64, shows: impl Fn(&str) -> bool) -> Result<String, String> {
        let start = Instant::now();
        loop {
            let t = self.text();
            if shows(&t) {
                return Ok(t);
            }
            if start.elapsed() > Duration::from_secs(secs) {
                return Err(format!("the screen never showed {what}; it shows:\n{t}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The demo console in a pseudo-terminal of 80×24: its child, its screen, the writer that types
/// into it, and what must live as long as it (the terminal's master side, the data dir).
type Console = (
    Box<dyn portable_pty::Child + Send + Sync>,
    Screen,
    Box<dyn Write + Send>,
    (Box<dyn portable_pty::MasterPty + Send>, tempfile::TempDir),
);

fn console(lang: &str) -> Result<Console, String> {
    let pty = native_pty_system();
    let pair =
        pty.openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).map_err(|e| e.to_string())?;
    let data = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_refdesk"));
    cmd.args(["--demo", "--lang", lang, "--operator", "e2e", "--now", "2026-11-25T10:00:00+05:00"]);
    cmd.env("TERM", "xterm-256color");
    cmd.env("XDG_DATA_HOME", data.path());
    cmd.env("HOME", data.path());
    cmd.env_remove("REFDESK_DB");
    let child = pair.slave.spawn_command(cmd).map_err(|e| e.to_string())?;
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().map_err(|e| e.to_string())?;
    let writer = pair.master.take_writer().map_err(|e| e.to_string())?;
    let parser = Arc::new(Mutex::new(vt100::Parser::new(24, 80, 0)));
    let feed = Arc::clone(&parser);
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            if let Ok(mut p) = feed.lock() {
                p.process(&buf[..n]);
            }
        }
    });
    Ok((child, Screen { parser }, writer, (pair.master, data)))
}

/// Types into the console: each call is one write, as SSH delivers it.
fn typer(writer: &mut Box<dyn Write + Send>) -> impl FnMut(&str) -> Result<(), String> + '_ {
    |k: &str| {
        writer.write_all(k.as_bytes()).map_err(|e| e.to_string())?;
        writer.flush().map_err(|e| e.to_string())
    }
}

/// Waits for the console to end by itself, successfully.
fn quits(child: &mut Box<dyn portable_pty::Child + Send + Sync>, what: &str) -> Result<(), String> {
    let start = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            assert!(status.success(), "refdesk exited with {status:?}");
            return Ok(());
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            return Err(format!("refdesk did not quit on {what}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn demo_console_shows_a_partner() -> Result<(), String> {
    let (mut child, screen, mut writer, _data) = console("en")?;
    let mut key = typer(&mut writer);

    let dash = screen.wait_for("Dashboard", 120)?;
    assert!(dash.contains("e2e"), "the status line names the operator:\n{dash}");
    assert!(dash.contains("2026-11-25 10:00"), "the status line shows the clock:\n{dash}");
    screen.wait_for("Next payout due", 30)?;

    key("2")?;
    // The header comes at once, the rows when the page is read: the first partner row is
    // "> CODE  Name …" under the header.
    let list = screen.wait_until("a highlighted partner", 30, |t| {
        t.contains("sort: name") && t.lines().any(|l| l.starts_with("> "))
    })?;
    let row = list.lines().find(|l| l.starts_with("> ")).ok_or(format!("no highlighted partner:\n{list}"))?.to_string();
    let code = row.split_whitespace().nth(1).ok_or("no code in the row")?.to_string();
    assert!(code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()), "code {code:?} in {row:?}");

    key("\r")?;
    let detail = screen.wait_for("Balance", 30)?;
    assert!(detail.contains(&code), "the detail shows the partner's code {code}:\n{detail}");
    assert!(detail.contains("KZT"), "the detail shows amounts in KZT:\n{detail}");

    key("\x1b")?;
    screen.wait_for("sort: name", 30)?;
    key("q")?;
    quits(&mut child, "q")
}

/// With the Russian layout on, the keys give Cyrillic letters: the hotkeys still work by the
/// key they are on (с = c, ы = s, Ы = S, П = G, й = q), and the list's header says so.
#[test]
fn the_russian_layout_drives_the_console() -> Result<(), String> {
    let (mut child, screen, mut writer, _data) = console("ru")?;
    let mut key = typer(&mut writer);
    screen.wait_for("Ближайшая выплата", 120)?;
    screen.wait_for("Выручка, ", 30)?;
    key("с")?;
    screen.wait_for("Начислено бонусов", 30)?;

    key("2")?;
    let list = screen.wait_for("сортировка: имя ▲", 30)?;
    assert!(list.contains("q выход") && list.contains("? справка"), "the footer is whole:\n{list}");
    let pages = screen.wait_for(" из ", 30)?;
    key("ы")?;
    screen.wait_for("сортировка: код ▲", 30)?;
    key("Ы")?;
    let desc = screen.wait_for("сортировка: код ▼", 30)?;
    assert!(desc.contains("Код ▼"), "the sorted column says its direction:\n{desc}");
    // The last page: "стр. N из N".
    let title = pages.lines().nth(1).unwrap_or_default().to_string();
    let n = title.rsplit(" из ").next().unwrap_or_default().trim().to_string();
    key("П")?;
    screen.wait_for(&format!("стр. {n} из {n}"), 30)?;
    key("й")?;
    quits(&mut child, "й")
}

#[test]
fn keys_in_one_write_open_the_partner_the_last_search_found() -> Result<(), String> {
    let (mut child, screen, mut writer, _data) = console("en")?;
    let mut key = typer(&mut writer);
    screen.wait_for("Next payout due", 120)?;
    // Search a surname, then a phone, then Enter: all in one delivery. The Enter must open
    // the partner whose phone it is, not a row left from the surname search.
    key("2/Мусина\r/\u{15}7473758878\r\r")?;
    let detail = screen.wait_for("Balance", 30)?;
    let head = detail.lines().find(|l| l.contains(" · ")).unwrap_or_default().to_string();
    assert!(head.starts_with("AZAMAT25 · Азамат Мусин"), "the detail opened is {head:?}:\n{detail}");
    assert!(detail.contains("+7 747 375 88 78"), "the profile shows the phone searched:\n{detail}");
    let _ = child.kill();
    Ok(())
}

/// `:` opens the command palette; "bon" typed finds the bonuses screen first, Enter shows it;
/// in Russian "бон" does the same, and the `:` key read as `Ж` on the Russian layout opens it.
#[test]
fn the_palette_reaches_a_screen() -> Result<(), String> {
    for (lang, colon, word, title, tab, header) in [
        ("en", ":", "bon", "Commands", "[3 Bonuses]", "Partner"),
        ("ru", "Ж", "бон", "Команды", "[3 Бонусы]", "Партнёр"),
    ] {
        let (mut child, screen, mut writer, _data) = console(lang)?;
        let mut key = typer(&mut writer);
        screen.wait_for("[1 ", 120)?;
        key(colon)?;
        screen.wait_for(title, 30)?;
        key(word)?;
        screen.wait_for(&format!(": {word}"), 30)?;
        key("\r")?;
        let shown = screen.wait_for(tab, 30)?;
        assert!(!shown.contains(title), "the palette closed:\n{shown}");
        let rows = screen.wait_for("> [ ]", 30)?;
        assert!(rows.lines().nth(2).is_some_and(|l| l.contains(header)), "the bonuses' header:\n{rows}");
        key("q")?;
        quits(&mut child, "q")?;
    }
    Ok(())
}

/// A payout run prepared from the console over the demo: screen 4 shows October owed, `p` asks
/// to prepare it and `y` does; the new run opens with its lines; its preparer's `a` is refused
/// in words.
#[test]
fn a_payout_run_is_prepared_from_the_console() -> Result<(), String> {
    let (mut child, screen, mut writer, _data) = console("en")?;
    let mut key = typer(&mut writer);
    screen.wait_for("Next payout due", 120)?;
    key("4")?;
    let list = screen.wait_for("Payouts ·", 30)?;
    assert!(list.contains("LATE: no run"), "October's run is past due and missing:\n{list}");
    key("p")?;
    screen.wait_for("Prepare the payout run for October 2026", 30)?;
    key("y")?;
    let run = screen.wait_for("Payout run 1 · October 2026 · draft", 60)?;
    assert!(run.contains("prepared:"), "the message line says what was prepared:\n{run}");
    assert!(run.contains("Payable"), "the run's figures are shown:\n{run}");
    key("a")?;
    screen.wait_for("another operator must approve it", 30)?;
    key("\x1b")?;
    screen.wait_for("1 month", 30)?;
    key("q")?;
    quits(&mut child, "q")
}

/// A review session's walk: the abuse queue, `t` on its first case to that partner's referral
/// tree, a level opened, Enter on the root to the partner's page.
#[test]
fn an_abuse_case_leads_to_the_partners_tree_and_page() -> Result<(), String> {
    let (mut child, screen, mut writer, _data) = console("en")?;
    let mut key = typer(&mut writer);
    screen.wait_for("Next payout due", 120)?;
    key("5")?;
    let queue = screen.wait_until("a highlighted case", 30, |t| t.lines().any(|l| l.starts_with("> ")))?;
    let row = queue.lines().find(|l| l.starts_with("> ")).ok_or(format!("no case:\n{queue}"))?.to_string();
    let code = row.split_whitespace().nth(2).ok_or("no code in the row")?.to_string();
    key("t")?;
    let tree = screen.wait_for(&format!("Tree · {code}"), 30)?;
    assert!(tree.contains(&format!("▾ {code}")), "the root is open:\n{tree}");
    assert!(tree.contains(&format!("Path: {code}")), "the path line names the root:\n{tree}");
    assert!(tree.contains("frozen: open case"), "the root's open case is marked in words:\n{tree}");
    key("\r")?;
    let page = screen.wait_for("Balance", 30)?;
    assert!(page.contains("[2 Partners]") && page.contains(&format!("{code} · ")), "{page}");
    key("q")?;
    key("q")?;
    quits(&mut child, "q")
}
