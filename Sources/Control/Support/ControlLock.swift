import Foundation

/// A value guarded by a lock, for state the event bus, the server and test doubles share
/// between threads. Swift's `Mutex` needs macOS 15; this works on every platform the package
/// declares.
public final class ControlLock<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access. Never call back into code that may take this lock.
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
