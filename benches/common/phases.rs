//! Wall time from each tracing span's creation to its close, summed by span name: the phases of
//! an import (`import.*`) or of a scan (`scan.*`), for the benches that print them.
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tracing::span::{Attributes, Id};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

#[derive(Clone, Default)]
pub struct PhaseTimes(Arc<Mutex<BTreeMap<&'static str, (Duration, usize)>>>);

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> tracing_subscriber::Layer<S> for PhaseTimes {
    fn on_new_span(&self, _: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(Instant::now());
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let Some(start) = span.extensions().get::<Instant>().copied() else { return };
        if let Ok(mut times) = self.0.lock() {
            let slot = times.entry(span.name()).or_default();
            slot.0 += start.elapsed();
            slot.1 += 1;
        }
    }
}

impl PhaseTimes {
    /// Collects refdesk's spans from now on (the process's one subscriber).
    pub fn install(&self) -> Result<(), String> {
        let subscriber = tracing_subscriber::registry().with(
            self.clone().with_filter(tracing_subscriber::filter::filter_fn(|m| m.target().starts_with("refdesk"))),
        );
        tracing::subscriber::set_global_default(subscriber).map_err(|e| e.to_string())
    }

    /// The sums so far (time, spans) by span name, cleared.
    pub fn take(&self) -> BTreeMap<&'static str, (Duration, usize)> {
        self.0.lock().map(|mut t| std::mem::take(&mut *t)).unwrap_or_default()
    }
}
