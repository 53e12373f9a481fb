import Control
import Foundation
import XCTest

final class MetricsTests: XCTestCase {
    /// The value of an unlabelled sample line ("name value").
    private func sample(_ text: String, _ name: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }

    func testMetricsEndpointExposesEveryNamedSeriesInPrometheusText() async throws {
        let harness = try await ControlHarness.start(for: self)
        let response = try await harness.request(.GET, "/metrics")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8")
        for name in ParleyMetrics.Name.all {
            XCTAssertTrue(response.text.contains("# TYPE \(name) "), "missing \(name)")
        }
        XCTAssertEqual(sample(response.text, ParleyMetrics.Name.activeCalls), 0)
        XCTAssertTrue(response.text.contains("# TYPE parley_workflow_signal_latency_seconds histogram"))
        XCTAssertTrue(response.text.contains("# TYPE parley_calls_total counter"))
    }

    func testUpdatesShowUpInTheExposition() async throws {
        let harness = try await ControlHarness.start(for: self)
        let metrics = harness.metrics
        metrics.activeCalls.increment()
        metrics.activeCalls.increment()
        metrics.activeCalls.decrement()
        metrics.callsTotal.increment(by: 3)
        metrics.rtpPacketsLost.increment(by: 7)
        metrics.rtpJitter.record(12.5)
        metrics.signalLatency.recordNanoseconds(800_000)
        metrics.llmLatency.record(.milliseconds(420))
        metrics.providerErrors(service: "llm", provider: "openai", kind: "http_429").increment()
        metrics.providerErrors(service: "llm", provider: "openai", kind: "http_429").increment()
        metrics.callsEnded(disposition: "busy").increment()
        let subscription = harness.events.subscribe()
        defer { subscription.cancel() }

        let text = try await harness.request(.GET, "/metrics").text
        XCTAssertEqual(sample(text, ParleyMetrics.Name.activeCalls), 1)
        XCTAssertEqual(sample(text, ParleyMetrics.Name.callsTotal), 3)
        XCTAssertEqual(sample(text, ParleyMetrics.Name.rtpPacketsLost), 7)
        XCTAssertEqual(sample(text, ParleyMetrics.Name.eventSubscribers), 1)
        XCTAssertEqual(sample(text, "parley_rtp_jitter_milliseconds_count"), 1)
        XCTAssertEqual(sample(text, "parley_rtp_jitter_milliseconds_sum"), 12.5)
        XCTAssertTrue(text.contains(#"parley_rtp_jitter_milliseconds_bucket{le="20.0"} 1"#), text)
        XCTAssertTrue(text.contains(#"parley_rtp_jitter_milliseconds_bucket{le="10.0"} 0"#), text)
        XCTAssertTrue(text.contains(#"parley_workflow_signal_latency_seconds_bucket{le="0.001"} 1"#), text)
        XCTAssertTrue(text.contains(#"parley_workflow_signal_latency_seconds_bucket{le="0.0005"} 0"#), text)
        XCTAssertEqual(sample(text, "parley_llm_latency_seconds_count"), 1)
        XCTAssertTrue(text.contains(#"parley_provider_errors_total{service="llm",provider="openai",kind="http_429"} 2"#), text)
        XCTAssertTrue(text.contains(#"parley_calls_ended_total{disposition="busy"} 1"#), text)
    }

    func testEachInstanceHasItsOwnRegistry() {
        let a = ParleyMetrics()
        let b = ParleyMetrics()
        a.callsTotal.increment()
        XCTAssertTrue(a.render().contains("parley_calls_total 1"))
        XCTAssertTrue(b.render().contains("parley_calls_total 0"))
    }
}
