import Foundation
import Logging

/// Where registered users can be reached (RFC 3261 §10: the location service). Holds every
/// binding in memory, indexed by address of record, so lookups on the SIP thread never touch
/// SQLite; each change is mirrored to a ``RegistrationStore`` by its background writer, and the
/// index is loaded from it at start so registrations survive a restart. Expired bindings are
/// hidden from lookups at once and removed by ``purgeExpired(now:)``, which the caller runs on its
/// own tick. Thread-safe. It does not decide REGISTER semantics; ``Registrar`` does.
public final class LocationService: Sendable {
    private struct State: Sendable {
        var byAOR: [String: [Binding]] = [:]
        var count = 0
        /// No binding expires before this, so a purge tick earlier than it has nothing to do.
        var nextExpiry: Date?
    }

    private let state = Locked(State())
    private let store: RegistrationStore?
    private let logger: Logger

    /// Loads stored bindings (dropping those already expired at `now`). A nil `store` keeps
    /// bindings in memory only.
    public init(store: RegistrationStore?, now: Date,
                logger: Logger = Logger(label: "parley.registrar")) throws(RegistrationStoreError) {
        self.store = store
        self.logger = logger
        let loaded = try store?.loadAll() ?? []
        var expiredAORs: Set<String> = []
        state.withLock { state in
            for binding in loaded {
                if binding.isExpired(at: now) {
                    expiredAORs.insert(binding.aor)
                    continue
                }
                state.byAOR[binding.aor, default: []].append(binding)
                state.count += 1
                state.nextExpiry = min(state.nextExpiry ?? binding.expiresAt, binding.expiresAt)
            }
            for aor in expiredAORs { store?.replace(aor: aor, with: state.byAOR[aor] ?? []) }
        }
        logger.info("location service loaded", metadata: [
            "bindings": "\(loaded.count)", "expired-at-load": "\(loaded.count - bindingCount)",
        ])
    }

    /// The live bindings of `aor`, best first (highest q, then most recently refreshed).
    public func contacts(for aor: String, now: Date) -> [Binding] {
        let bindings = state.withLock { $0.byAOR[aor] ?? [] }
        return bindings.filter { !$0.isExpired(at: now) }.sorted(by: Binding.preferred)
    }

    /// Removes and returns every binding expired at `now`. Call it from a periodic tick.
    @discardableResult
    public func purgeExpired(now: Date) -> [Binding] {
        state.withLock { state -> [Binding] in
            guard let next = state.nextExpiry, now >= next else { return [] }
            var expired: [Binding] = []
            var nextExpiry: Date?
            for (aor, bindings) in state.byAOR {
                let live = bindings.filter { !$0.isExpired(at: now) }
                for binding in live { nextExpiry = min(nextExpiry ?? binding.expiresAt, binding.expiresAt) }
                guard live.count != bindings.count else { continue }
                expired += bindings.filter { $0.isExpired(at: now) }
                state.byAOR[aor] = live.isEmpty ? nil : live
                store?.replace(aor: aor, with: live)
            }
            state.count -= expired.count
            state.nextExpiry = nextExpiry
            return expired
        }
    }

    /// Live and not yet purged bindings.
    public var bindingCount: Int { state.withLock { $0.count } }

    /// Addresses of record with at least one binding.
    public var aorCount: Int { state.withLock { $0.byAOR.count } }

    /// Every binding, for diagnostics and the control API.
    public func allBindings() -> [Binding] {
        state.withLock { $0.byAOR.values.flatMap { $0 } }
    }

    /// Waits until every change so far is in SQLite (no-op without a store).
    public func flush() throws(RegistrationStoreError) {
        try store?.flush()
    }

    /// What ``update(aor:now:_:)`` did besides running its body.
    struct UpdateOutcome<Result: Sendable>: Sendable {
        var result: Result
        /// The AOR's bindings after the update.
        var bindings: [Binding]
        /// Bindings of the AOR that had expired and were dropped before the body ran.
        var expired: [Binding]
    }

    /// Runs `body` on the AOR's live bindings under the lock, so concurrent REGISTERs for one AOR
    /// apply one after the other; if it returns, the new set is indexed and queued for storage.
    /// If it throws, nothing changes.
    func update<Result: Sendable, Failure: Error>(
        aor: String, now: Date, _ body: (inout [Binding]) throws(Failure) -> Result
    ) throws(Failure) -> UpdateOutcome<Result> {
        try state.withLock { (state: inout State) throws(Failure) -> UpdateOutcome<Result> in
            let before = state.byAOR[aor] ?? []
            var bindings = before.filter { !$0.isExpired(at: now) }
            let expired = before.filter { $0.isExpired(at: now) }
            let result = try body(&bindings)
            if bindings != before {
                state.byAOR[aor] = bindings.isEmpty ? nil : bindings
                state.count += bindings.count - before.count
                for binding in bindings {
                    state.nextExpiry = min(state.nextExpiry ?? binding.expiresAt, binding.expiresAt)
                }
                store?.replace(aor: aor, with: bindings)
            }
            return UpdateOutcome(result: result, bindings: bindings, expired: expired)
        }
    }
}
