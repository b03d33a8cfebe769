//! Tracing output of a call: spans name the service, operation and attempt, events carry
//! status and latency, and no secret ever appears.
//!
//! Alone in its own test binary with a global subscriber: tracing caches per-callsite
//! interest process-wide, and a thread-local subscriber raced with other tests' calls
//! (which, while signing was aws-sigv4's, silenced its events with their own thread-local
//! dispatcher) and missed spans now and then.

use std::sync::{Arc, Mutex};

mod support;
use support::*;

/// Records the fields of every span and event, as text.
#[derive(Default)]
struct Capture(Mutex<String>);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={:?} ", field.name(), value));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut text = self.0.lock().unwrap();
        text.push_str(span.metadata().name());
        text.push(' ');
        span.record(&mut Fields(&mut text));
        text.push('\n');
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut Fields(&mut self.0.lock().unwrap()));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut text = self.0.lock().unwrap();
        event.record(&mut Fields(&mut text));
        text.push('\n');
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn tracing_records_operation_attempts_and_status_but_no_secrets() {
    let server = throttled_once().await;
    let capture = Arc::new(Capture::default());
    tracing::subscriber::set_global_default(capture.clone()).unwrap();
    inspector_client(&server, Arc::default())
        .list_usage_totals_with(&Default::default())
        .await
        .unwrap();
    let text = capture.0.lock().unwrap().clone();
    assert!(
        text.contains("cloudcost.call service=\"Amazon Inspector2\" operation=\"ListUsageTotals\""),
        "{text}"
    );
    assert!(text.contains("cloudcost.attempt attempt=2"), "{text}");
    assert!(text.contains("status=429"), "{text}");
    assert!(text.contains("latency_ms="), "{text}");
    let request = &server.received_requests().await.unwrap()[0];
    let signature = header_str(request, "authorization")
        .rsplit("Signature=")
        .next()
        .unwrap()
        .to_string();
    for secret in [SECRET, "session-token-secret", signature.as_str()] {
        assert!(!text.contains(secret), "secret in tracing output: {text}");
    }
}
