import CSRTP
import Synchronization

/// One direction of SRTP for one media stream: a libsrtp2 session that either protects what we
/// send or unprotects what we receive, RTP and RTCP alike (RFC 3711, RFC 7714).
///
/// The `SRTP` module owns SRTP contexts, the suites and their keys, SDES `a=crypto` lines
/// (RFC 4568) and the SDES offer/answer choice. It never touches sockets, clocks or SIP: callers
/// hand it buffers and SDP values. It builds on `RTP` and `SDP` and must not be imported by them.
///
/// **Threading.** A context is used by one thread at a time: create one sender and one receiver
/// per stream and let the stream's media thread own both. It is `Sendable` only so it can be
/// created elsewhere and handed to that thread; overlapping calls from two threads are caught
/// (cheaply, by an atomic flag) and fail with `.concurrentUse` instead of corrupting state.
///
/// **Buffers.** Every call works in place on the caller's buffer and allocates nothing in Swift:
/// the packet occupies the first `length` bytes, and `protect` needs ``SRTPSuite/rtpOverhead``
/// (RTCP: ``SRTPSuite/rtcpOverhead``) spare bytes after it, ``SRTPSuite/maximumOverhead`` at
/// most. Each call returns the new length. Headers are checked before libsrtp2 sees them, so
/// hostile bytes fail with a typed error. (libsrtp2's NSS backend itself sets up a cipher
/// context per packet; that cost is inside the library.)
///
/// **Re-keying.** A context's key never changes. When a re-INVITE brings a new key, make a new
/// context and drop the old one (see ``SRTPSession/rekey(to:)``); keep a context whose key did
/// not change, because a fresh one restarts the rollover counter (RFC 3711 §3.3.1).
public final class SRTPContext: @unchecked Sendable {
    /// Which way packets flow through the context.
    public enum Direction: Sendable, Equatable {
        /// Protects outgoing packets (libsrtp2's `ssrc_any_outbound`).
        case sender
        /// Unprotects incoming packets from any SSRC (`ssrc_any_inbound`).
        case receiver
    }

    /// RFC 3711 §3.3.2 asks for at least 64; 128 (libsrtp2's own default) tolerates more reordering.
    public static let defaultReplayWindow = 128

    public let direction: Direction
    public let suite: SRTPSuite

    private let session: srtp_t
    private let busy = Atomic<Bool>(false)

    /// Creates a context keyed with `key`. `replayWindow` (64...32767 packets) is how far back a
    /// receiver still accepts reordered packets.
    public init(_ direction: Direction, key: SRTPMasterKey, replayWindow: Int = SRTPContext.defaultReplayWindow) throws(SRTPError) {
        try SRTPLibrary.initialize()
        guard (64...0x7FFF).contains(replayWindow) else {
            throw SRTPError(.invalidReplayWindow, "replay window \(replayWindow) is outside 64...32767")
        }
        var policy = srtp_policy_t()
        key.suite.configure(rtp: &policy.rtp, rtcp: &policy.rtcp)
        policy.ssrc = srtp_ssrc_t(type: direction == .sender ? ssrc_any_outbound : ssrc_any_inbound, value: 0)
        policy.window_size = UInt(replayWindow)
        policy.allow_repeat_tx = 0
        policy.next = nil

        // libsrtp2 derives the session keys inside srtp_create and keeps no pointer to ours.
        var material = key.keyAndSalt
        var created: srtp_t?
        let status = material.withUnsafeMutableBufferPointer { bytes in
            policy.key = bytes.baseAddress
            return srtp_create(&created, &policy)
        }
        for index in material.indices { material[index] = 0 }
        guard status == srtp_err_status_ok, let created else {
            if status == srtp_err_status_cipher_fail || status == srtp_err_status_bad_param {
                throw SRTPError(.unsupportedSuite, "libsrtp2 could not set up \(key.suite) (status \(status.rawValue))")
            }
            throw SRTPError(status: status, operation: "srtp_create")
        }
        self.direction = direction
        self.suite = key.suite
        self.session = created
    }

    deinit {
        srtp_dealloc(session)
    }

    // MARK: - RTP

    /// Encrypts and authenticates the RTP packet in `buffer[0..<length]` in place; returns the
    /// SRTP length (`length + suite.rtpOverhead`).
    public func protectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try require(.sender, "protectRTP")
        let base = try checkedBase(buffer, length: length, room: suite.rtpOverhead)
        try PacketCheck.rtp(base, length: length, trailer: 0)
        return try call("srtp_protect", length: length) { srtp_protect(session, base, $0) }
    }

    /// Authenticates and decrypts the SRTP packet in `buffer[0..<length]` in place; returns the
    /// RTP length. Tampering fails with `.authenticationFailed`, a replay with `.replayed`.
    public func unprotectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try require(.receiver, "unprotectRTP")
        let base = try checkedBase(buffer, length: length, room: 0)
        try PacketCheck.rtp(base, length: length, trailer: suite.rtpTagLength)
        return try call("srtp_unprotect", length: length) { srtp_unprotect(session, base, $0) }
    }

    // MARK: - RTCP

    /// Encrypts and authenticates the (compound) RTCP packet in `buffer[0..<length]` in place;
    /// returns the SRTCP length (`length + suite.rtcpOverhead`).
    public func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try require(.sender, "protectRTCP")
        let base = try checkedBase(buffer, length: length, room: suite.rtcpOverhead)
        try PacketCheck.rtcp(base, length: length, trailer: 0)
        return try call("srtp_protect_rtcp", length: length) { srtp_protect_rtcp(session, base, $0) }
    }

    /// Authenticates and decrypts the SRTCP packet in `buffer[0..<length]` in place; returns the
    /// RTCP length.
    public func unprotectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try require(.receiver, "unprotectRTCP")
        let base = try checkedBase(buffer, length: length, room: 0)
        try PacketCheck.rtcp(base, length: length, trailer: suite.rtcpOverhead)
        return try call("srtp_unprotect_rtcp", length: length) { srtp_unprotect_rtcp(session, base, $0) }
    }

    // MARK: - Internals

    /// Tests only: holds the in-use flag as another thread's call would.
    func holdForTesting(_ held: Bool) {
        busy.store(held, ordering: .sequentiallyConsistent)
    }

    private func require(_ needed: Direction, _ operation: String) throws(SRTPError) {
        guard direction == needed else {
            throw SRTPError(.wrongDirection, "\(operation) on a \(direction) context")
        }
    }

    /// The buffer's base address once `length` fits in it with `room` bytes to spare.
    private func checkedBase(_ buffer: UnsafeMutableRawBufferPointer, length: Int, room: Int) throws(SRTPError) -> UnsafeMutableRawPointer {
        guard length >= 0, length <= buffer.count, length <= PacketCheck.maximumLength, let base = buffer.baseAddress else {
            throw SRTPError(.malformedPacket, "length \(length) does not fit a \(buffer.count)-byte buffer")
        }
        guard buffer.count - length >= room else {
            throw SRTPError(.bufferTooSmall, "\(suite) adds \(room) bytes after \(length), the buffer holds \(buffer.count)")
        }
        return base
    }

    /// Runs one libsrtp2 call with the in/out length, guarding against overlapping use.
    private func call(
        _ operation: String,
        length: Int,
        _ body: (UnsafeMutablePointer<Int32>) -> srtp_err_status_t
    ) throws(SRTPError) -> Int {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            throw SRTPError(.concurrentUse, "\(operation) while another thread was using this \(direction) context")
        }
        var inOut = Int32(length)
        let status = body(&inOut)
        busy.store(false, ordering: .releasing)
        guard status == srtp_err_status_ok else {
            throw SRTPError(status: status, operation: operation)
        }
        return Int(inOut)
    }
}

/// Header checks run before libsrtp2 touches a buffer, so that it only ever reads inside the
/// packet and every rejection is a typed `.malformedPacket` naming what was wrong.
enum PacketCheck {
    /// No datagram is longer (IPv4's UDP payload limit is 65507).
    static let maximumLength = 65_535

    /// RTP (RFC 3550 §5.1): version 2, and the fixed header, CSRCs and extension fit before the
    /// `trailer` bytes (the SRTP tag when unprotecting, none when protecting).
    static func rtp(_ base: UnsafeMutableRawPointer, length: Int, trailer: Int) throws(SRTPError) {
        let end = length - trailer
        guard end >= 12 else {
            throw SRTPError(.malformedPacket, "\(length) bytes cannot hold a 12-byte RTP header and a \(trailer)-byte trailer")
        }
        let bytes = UnsafeRawBufferPointer(start: base, count: end)
        let first = bytes[0]
        guard first >> 6 == 2 else {
            throw SRTPError(.malformedPacket, "RTP version \(first >> 6), expected 2")
        }
        var header = 12 + 4 * Int(first & 0x0F)
        guard header <= end else {
            throw SRTPError(.malformedPacket, "\(first & 0x0F) CSRCs overrun the \(end)-byte packet")
        }
        if first & 0x10 != 0 {
            guard header + 4 <= end else {
                throw SRTPError(.malformedPacket, "X bit set but no room for the extension header")
            }
            header += 4 + 4 * (Int(bytes[header + 2]) << 8 | Int(bytes[header + 3]))
            guard header <= end else {
                throw SRTPError(.malformedPacket, "the header extension overruns the \(end)-byte packet")
            }
        }
    }

    /// RTCP (RFC 3550 §6.4): version 2 and at least the 8-byte header with the sender's SSRC
    /// before the `trailer` bytes (E flag, SRTCP index and tag when unprotecting).
    static func rtcp(_ base: UnsafeMutableRawPointer, length: Int, trailer: Int) throws(SRTPError) {
        guard length - trailer >= 8 else {
            throw SRTPError(.malformedPacket, "\(length) bytes cannot hold an 8-byte RTCP header and a \(trailer)-byte trailer")
        }
        let first = base.load(as: UInt8.self)
        guard first >> 6 == 2 else {
            throw SRTPError(.malformedPacket, "RTCP version \(first >> 6), expected 2")
        }
    }
}
