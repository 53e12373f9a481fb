/// One completed DTMF key press, whichever way it reached us: RFC 4733 telephone-events
/// (``DTMFReceiver``), tones in the audio (``InbandDTMFDetector``) or a SIP INFO body
/// (``DTMFInfoBody``).
///
/// The DTMF types in this module turn packets, PCM and INFO bodies into digits and back. They are
/// sans-I/O like the rest of `RTP`: no sockets, no clocks (time arrives as RTP timestamp units
/// from the caller's 20 ms tick), no knowledge of SIP dialogs or of which digit means what in a
/// menu. Deciding what a digit does belongs to the switch or the conversation workflow.
public struct DTMFDigit: Sendable, Equatable {
    /// How the press was signalled.
    public enum Source: Sendable, Equatable {
        /// RTP telephone-event packets (RFC 4733).
        case rfc4733
        /// Dual tones detected in the decoded audio (ITU-T Q.23 / Q.24).
        case inband
        /// A SIP INFO request (`application/dtmf-relay` or `application/dtmf`).
        case sipInfo
    }

    /// The key: `0`-`9`, `*`, `#`, `A`-`D`.
    public var digit: Character
    /// The RFC 4733 §3.2 event code (0-9, 10 = `*`, 11 = `#`, 12-15 = `A`-`D`).
    public var event: UInt8
    /// How long the key was held, in units of ``clockRate`` (RTP timestamp units).
    public var duration: Int
    /// Units per second of ``duration`` and ``startTimestamp`` (8000 for telephone-event/8000).
    public var clockRate: Int
    /// RTP timestamp at which the press began; nil for SIP INFO, which carries none.
    public var startTimestamp: UInt32?
    public var source: Source

    /// A digit for a DTMF event code, or nil when `event` is not 0-15 (flash and other events).
    public init?(event: UInt8, duration: Int, clockRate: Int = 8000, startTimestamp: UInt32?, source: Source) {
        guard let digit = DTMFDigit.character(for: event) else { return nil }
        self.digit = digit
        self.event = event
        self.duration = max(0, duration)
        self.clockRate = max(1, clockRate)
        self.startTimestamp = startTimestamp
        self.source = source
    }

    /// The held time in whole milliseconds (rounded down).
    public var durationMs: Int {
        duration * 1000 / clockRate
    }

    /// The key for an event code 0-15, nil otherwise.
    public static func character(for event: UInt8) -> Character? {
        TelephoneEvent(event: event, end: false, volume: 0, duration: 0).digit
    }

    /// The event code for a key (`0`-`9`, `*`, `#`, `A`-`D` in either case), nil otherwise.
    public static func event(for digit: Character) -> UInt8? {
        TelephoneEvent.event(for: digit)
    }
}

extension DTMFDigit: CustomStringConvertible {
    public var description: String {
        let start = startTimestamp.map { ", ts: \($0)" } ?? ""
        return "DTMFDigit('\(digit)', \(durationMs) ms\(start), \(source))"
    }
}

/// What a DTMF detector reports as time passes.
///
/// A press first shows up as ``keyDown(digit:event:startTimestamp:)`` (early enough to stop a
/// prompt or mask the tone from a voice activity detector) and, when it ends, as exactly one
/// ``digit(_:)`` carrying its duration. A press first seen already ended yields both at once.
public enum DTMFAction: Sendable, Equatable {
    /// A key went down at `startTimestamp`.
    case keyDown(digit: Character, event: UInt8, startTimestamp: UInt32)
    /// A key press is complete.
    case digit(DTMFDigit)

    /// The completed press, if this is one.
    public var completedDigit: DTMFDigit? {
        if case .digit(let digit) = self { return digit }
        return nil
    }
}
