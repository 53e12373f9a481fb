import CSRTP

/// Why a packet could not be protected or unprotected, or a context not created.
///
/// `kind` is for code to switch on (drop the packet, count it, tear the stream down); `detail`
/// carries the offending values for logs and never contains key material.
public struct SRTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The authentication tag did not verify: tampered, corrupted, or keyed differently.
        case authenticationFailed
        /// The packet index was already seen (a replay, or the sender reused a sequence number).
        case replayed
        /// The packet index is older than the replay window.
        case replayTooOld
        /// The bytes are not an RTP (or RTCP) packet this context can process: too short,
        /// not version 2, or a header whose CSRC list or extension overruns the packet.
        case malformedPacket
        /// The buffer has no room after the packet for the trailer the suite adds.
        case bufferTooSmall
        /// `protect` on a receiver context or `unprotect` on a sender context.
        case wrongDirection
        /// Two threads used the context at the same time (each context is single-threaded).
        case concurrentUse
        /// The key protected as many packets as SRTP allows (2^48 RTP or 2^31 RTCP): re-key.
        case keyExpired
        /// A master key or salt has the wrong length for its suite.
        case invalidKey
        /// A replay window outside what libsrtp2 accepts (64...32767).
        case invalidReplayWindow
        /// The installed libsrtp2 cannot run the suite (for example GCM without a crypto backend).
        case unsupportedSuite
        /// Any other libsrtp2 failure, with its `srtp_err_status_t` value.
        case libraryFailure(Int)
    }

    public var kind: Kind
    public var detail: String

    public init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    init(_ kind: Kind, _ detail: String) {
        self.init(kind: kind, detail: detail)
    }

    /// Maps a failed libsrtp2 call to an error (`operation` names the call for the detail).
    init(status: srtp_err_status_t, operation: String) {
        let code = Int(status.rawValue)
        var note = ""
        let kind: Kind
        switch status {
        case srtp_err_status_auth_fail: kind = .authenticationFailed
        case srtp_err_status_replay_fail: kind = .replayed
        case srtp_err_status_replay_old: kind = .replayTooOld
        case srtp_err_status_key_expired: kind = .keyExpired
        case srtp_err_status_cant_check:
            // srtp_unprotect_rtcp: the E flag is clear, and we never agree to unencrypted SRTCP.
            kind = .malformedPacket
            note = " (SRTCP E flag clear: unencrypted SRTCP is refused)"
        default: kind = .libraryFailure(code)
        }
        self.init(kind, "\(operation) failed with libsrtp2 status \(code)\(note)")
    }

    public var description: String {
        "SRTP \(kind): \(detail)"
    }
}
