import Foundation

/// What a nonce presented by a client turned out to be.
enum NonceStatus: Sendable, Equatable {
    /// Ours, issued at this Unix second, still within its lifetime.
    case fresh(issuedAt: UInt64)
    /// Ours, but older than the lifetime: answer `stale=true` if the response is otherwise right.
    case expired(issuedAt: UInt64)
    /// Not ours (bad signature, bad encoding, or from the future).
    case invalid
}

/// Issues and checks stateless nonces: hex of an 8-byte issue time, 8 random bytes and the first
/// 16 bytes of HMAC-SHA-256 over both and the realm. Nothing is stored; a restart with the same
/// secret keeps outstanding nonces valid, a new secret turns them into fresh challenges.
struct NonceIssuer: Sendable {
    static let encodedLength = 64
    private static let macBytes = 16
    /// Tolerated clock skew for nonces that claim to be from the future.
    private static let futureSkew: UInt64 = 5

    let lifetime: TimeInterval
    private let mac: HMACSHA256
    private let realm: [UInt8]

    init(secret: [UInt8], realm: String, lifetime: TimeInterval) {
        self.mac = HMACSHA256(key: secret)
        self.realm = Array(realm.utf8)
        self.lifetime = lifetime
    }

    func issue(now: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        return issue(now: now, salt: generator.next())
    }

    func issue(now: Date, salt: UInt64) -> String {
        var body = Self.bigEndianBytes(Self.seconds(now))
        body.append(contentsOf: Self.bigEndianBytes(salt))
        return Hex.encode(body + signature(body))
    }

    func validate(_ nonce: String, now: Date) -> NonceStatus {
        guard nonce.utf8.count == Self.encodedLength, let bytes = Hex.decode(nonce) else { return .invalid }
        let body = Array(bytes[0..<16])
        guard Hex.constantTimeEqual(Array(bytes[16...]), signature(body)) else { return .invalid }
        let issuedAt = body[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let current = Self.seconds(now)
        if issuedAt > current + Self.futureSkew { return .invalid }
        let age = current >= issuedAt ? current - issuedAt : 0
        return Double(age) > lifetime ? .expired(issuedAt: issuedAt) : .fresh(issuedAt: issuedAt)
    }

    private func signature(_ body: [UInt8]) -> [UInt8] {
        Array(mac.authenticate(body + realm).prefix(Self.macBytes))
    }

    /// Whole Unix seconds; 0 for dates before 1970 or not representable.
    static func seconds(_ date: Date) -> UInt64 {
        let value = date.timeIntervalSince1970
        guard value.isFinite, value > 0, value < 1e18 else { return 0 }
        return UInt64(value)
    }

    private static func bigEndianBytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64(56 - 8 * $0)) }
    }
}
