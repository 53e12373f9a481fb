import Foundation

/// A value guarded by a lock, for state shared between threads (the writer thread, clock
/// callbacks and async callers). Swift's `Mutex` needs macOS 15; this works on every platform
/// the package declares.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access. Never call back into code that may take this lock.
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
