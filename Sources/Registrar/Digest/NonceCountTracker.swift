/// The outcome of presenting a nonce-count.
enum NonceCountVerdict: Sendable, Equatable {
    case accepted
    /// `nc` did not increase: a replayed or reordered request (RFC 2617 §3.2.2).
    case replayed(count: UInt32, last: UInt32)
    /// The table may have forgotten this nonce, so its history is unknown: demand a fresh nonce.
    case forgotten
}

/// Remembers the highest `nc` seen for each recent nonce, in bounded memory. When the table is full
/// the least recently used nonce is forgotten and its issue time raises a watermark: an unknown
/// nonce issued at or before the watermark might have been forgotten, so it is refused as stale
/// instead of accepted, which keeps replay protection intact under a flood.
struct NonceCountTracker: Sendable {
    private struct Entry: Sendable {
        var issuedAt: UInt64
        var lastCount: UInt32
    }

    private var table: BoundedLRU<String, Entry>
    private(set) var watermark: UInt64 = 0

    /// `startedAt` (Unix seconds) starts the watermark just below the process start: nonces issued
    /// by an earlier run with the same secret have no history here, so they are refused as stale.
    init(capacity: Int, startedAt: UInt64) {
        table = BoundedLRU(capacity: capacity)
        watermark = startedAt > 0 ? startedAt - 1 : 0
    }

    var count: Int { table.count }

    /// Checks `count` against the nonce's history and records it when accepted. Call only after the
    /// digest response verified, so forged requests cannot advance a nonce's counter.
    mutating func accept(nonce: String, issuedAt: UInt64, count: UInt32) -> NonceCountVerdict {
        if let entry = table.value(for: nonce) {
            guard count > entry.lastCount else { return .replayed(count: count, last: entry.lastCount) }
            table.set(Entry(issuedAt: entry.issuedAt, lastCount: count), for: nonce)
            return .accepted
        }
        guard issuedAt > watermark else { return .forgotten }
        if let evicted = table.set(Entry(issuedAt: issuedAt, lastCount: count), for: nonce) {
            watermark = max(watermark, evicted.value.issuedAt)
        }
        return .accepted
    }
}
