import Foundation

/// A value behind a lock. Used where the registrar's state is shared between the SIP thread, the
/// purge tick and the writer queue; critical sections are short and never do I/O.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
