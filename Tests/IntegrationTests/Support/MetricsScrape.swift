import Control
import Foundation

/// Reads a running server's `GET /metrics` and picks samples out of the Prometheus text.
enum MetricsScrape {
    /// The exposition text, fetched without an async context (for the synchronous tests).
    static func text(_ server: ParleyServer) throws -> String {
        let client = try server.api()
        let outcome = LockedBox<Result<String, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                let response = try await client.raw(.GET, "/metrics")
                outcome.set(.success(String(decoding: response.body, as: UTF8.self)))
            } catch {
                outcome.set(.failure(error))
            }
            done.signal()
        }
        guard done.wait(timeout: .now() + 60) == .success, let result = outcome.get() else {
            throw ProbeError("GET /metrics did not answer")
        }
        return try result.get()
    }

    /// The value of the sample written exactly as `series` (name and label set), if present.
    static func sample(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}

/// A value shared with the task that fills it.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func set(_ newValue: Value) { lock.withLock { value = newValue } }
    func get() -> Value { lock.withLock { value } }
}
