//! The frame trace (`REFDESK_FRAME_LOG=FILE`): for each key, the milliseconds from its arrival
//! until the frame that shows its result is flushed, the data it asked for included. A key's
//! result is shown once no load started since it is still running. The first line is
//! the start: from the console's start to its first full frame.
use super::action::Effect;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use std::fs::File;
use std::io::Write;
use std::time::Instant;

/// How many of `effects` are loads the trace waits for: a search's debounce timer is the wait
/// for typing to pause (the key's result is the typed text, shown at once; Enter applies the
/// search without it), and a copy to the clipboard answers nothing.
pub fn loads(effects: &[Effect]) -> usize {
    effects.iter().filter(|e| !matches!(e, Effect::Debounce { .. } | Effect::Copy(_))).count()
}

#[derive(Default)]
pub struct FrameLog {
    file: Option<File>,
    /// Keys whose result is not on screen yet, with when they arrived.
    waiting: Vec<(String, Instant)>,
    /// Service calls started and not answered yet.
    in_flight: usize,
}

impl FrameLog {
    /// The trace named by `REFDESK_FRAME_LOG`, appended to; none when it is unset or cannot be
    /// opened (the console runs the same either way).
    pub fn from_env(started: Instant) -> FrameLog {
        let file = std::env::var_os("REFDESK_FRAME_LOG")
            .and_then(|p| std::fs::OpenOptions::new().create(true).append(true).open(p).ok());
        let waiting = if file.is_some() { vec![("start".to_string(), started)] } else { Vec::new() };
        FrameLog { file, waiting, in_flight: 0 }
    }

    pub fn key(&mut self, k: &KeyEvent) {
        if self.file.is_some() {
            let name = match k.code {
                KeyCode::Char(c) => c.to_string(),
                other => format!("{other:?}"),
            };
            self.waiting.push((name, Instant::now()));
        }
    }

    pub fn started(&mut self, calls: usize) {
        self.in_flight += calls;
    }

    pub fn answered(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// A frame was flushed: the keys waiting for it are done when nothing is loading.
    pub fn flushed(&mut self) {
        let Some(file) = self.file.as_mut() else { return };
        if self.in_flight > 0 {
            return;
        }
        for (key, at) in self.waiting.drain(..) {
            let _ = writeln!(file, "{key}\t{:.1}", at.elapsed().as_secs_f64() * 1000.0);
        }
    }
}
