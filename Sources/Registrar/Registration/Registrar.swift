import Foundation
import Logging

/// The registrar of RFC 3261 §10.3, the Registrar module's entry type. Given a REGISTER that has
/// already been authenticated (``DigestAuthenticator``) it validates the Contact and Expires
/// values, applies adds, refreshes and removals atomically per address of record (Call-ID/CSeq
/// ordering, min/max expires, contact limit), and answers with the bindings in force. Bindings
/// live in a ``LocationService`` (memory index, persisted in SQLite off the caller's thread).
/// The module knows nothing of Sofia or sockets: it takes plain values and returns ``Reply``s.
/// Thread-safe; all methods take `now` so tests drive time.
public final class Registrar: Sendable {
    public let policy: RegistrarPolicy
    public let location: LocationService
    private let logger: Logger

    public init(policy: RegistrarPolicy = RegistrarPolicy(), location: LocationService,
                logger: Logger = Logger(label: "parley.registrar")) {
        self.policy = policy
        self.location = location
        self.logger = logger
    }

    /// Handles one REGISTER. Throws a ``RegistrarError`` whose ``RegistrarError/reply`` is the
    /// response to send (400, 403, 423 with Min-Expires, 500 for an out-of-order CSeq).
    public func register(_ request: RegisterRequest, now: Date) throws(RegistrarError) -> RegisterResult {
        guard !request.aor.isEmpty, !request.aor.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw .invalidAOR(request.aor)
        }
        let update = BindingUpdate(request: request, policy: policy, now: now)
        let plan = try update.plan()
        let outcome = try location.update(aor: request.aor, now: now) { (bindings: inout [Binding]) throws(RegistrarError) in
            try update.apply(plan, to: &bindings)
        }
        let bindings = outcome.bindings.sorted(by: Binding.preferred)
        let changes = outcome.expired.map(BindingChange.expired) + outcome.result
        let reply = Reply(status: 200, phrase: "OK",
                          headers: bindings.map { HeaderField(name: "Contact", value: $0.contactHeaderValue(at: now)) })
        for change in changes { log(change, request: request) }
        return RegisterResult(reply: reply, bindings: bindings, changes: changes)
    }

    private func log(_ change: BindingChange, request: RegisterRequest) {
        let kind: String
        switch change {
        case .added: kind = "added"
        case .refreshed: kind = "refreshed"
        case .removed: kind = "removed"
        case .expired: kind = "expired"
        case .replaced: kind = "replaced"
        }
        let binding = change.binding
        logger.debug("registration \(kind)", metadata: [
            "aor": "\(binding.aor)", "contact": "\(binding.contactURI)", "received": "\(binding.received)",
            "call-id": "\(request.callID)", "expires-in": "\(binding.expiresAt.timeIntervalSince(binding.updatedAt))",
        ])
    }
}

/// The registrar's limits (RFC 3261 §10.3 step 7 and local policy).
public struct RegistrarPolicy: Sendable, Equatable {
    /// What to do when a new contact would exceed the limit.
    public enum ContactLimitAction: Sendable, Equatable {
        /// Drop the least recently refreshed bindings not touched by this REGISTER.
        case replaceOldest
        /// Refuse the REGISTER with 403.
        case reject
    }

    public var minExpires: Int
    public var maxExpires: Int
    /// Used when neither the contact nor the request gives an expiry (or it is malformed).
    public var defaultExpires: Int
    public var maxContactsPerAOR: Int
    public var whenFull: ContactLimitAction

    public init(minExpires: Int = 60, maxExpires: Int = 3600, defaultExpires: Int = 3600,
                maxContactsPerAOR: Int = 10, whenFull: ContactLimitAction = .replaceOldest) {
        self.minExpires = minExpires
        self.maxExpires = max(maxExpires, minExpires)
        self.defaultExpires = min(max(defaultExpires, minExpires), self.maxExpires)
        self.maxContactsPerAOR = max(1, maxContactsPerAOR)
        self.whenFull = whenFull
    }
}
