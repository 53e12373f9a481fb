/// One RFC 4733 telephone-event block (§2.3), the payload of an `audio/telephone-event` packet.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     event     |E|R| volume    |          duration             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// All packets of one event share the RTP timestamp of its start; `duration` grows in timestamp
/// units and the final packet, sent three times, has `end` set (§2.5.1). Sequencing that across
/// ticks is the caller's job: this type is only the 4-byte block.
public struct TelephoneEvent: Sendable, Equatable {
    /// The block is 4 bytes.
    public static let size = 4
    /// The volume field is 6 bits.
    public static let maximumVolume: UInt8 = 63

    /// Event code (§3.2 for DTMF: 0-9, 10 = `*`, 11 = `#`, 12-15 = A-D).
    public var event: UInt8
    /// E: this is the last packet of the event.
    public var end: Bool
    /// Power level in -dBm0 (0 is loudest, 63 quietest). Values above 63 serialize as 63.
    public var volume: UInt8
    /// Length of the event so far, in RTP timestamp units.
    public var duration: UInt16

    public init(event: UInt8, end: Bool, volume: UInt8, duration: UInt16) {
        self.event = event
        self.end = end
        self.volume = volume
        self.duration = duration
    }

    /// Parses the first block of a telephone-event payload. The reserved R bit is ignored (§2.3);
    /// further blocks (several events packed in one packet) are ignored too.
    public init(parsing payload: [UInt8]) throws(RTPError) {
        let result: Result<TelephoneEvent, RTPError> = payload.withUnsafeBytes { raw in
            Result { () throws(RTPError) in try TelephoneEvent(parsing: raw) }
        }
        self = try result.get()
    }

    /// Parses the first block of a telephone-event payload read in place (see above).
    public init(parsing payload: UnsafeRawBufferPointer) throws(RTPError) {
        guard payload.count >= Self.size else {
            throw RTPError(.tooShort, "telephone-event payload of \(payload.count) bytes, needs \(Self.size)")
        }
        self.init(
            event: payload[0],
            end: payload[1] & 0x80 != 0,
            volume: payload[1] & 0x3F,
            duration: UInt16(payload[2]) << 8 | UInt16(payload[3])
        )
    }

    /// The 4-byte block, with R = 0.
    public func serialized() -> [UInt8] {
        [
            event,
            (end ? 0x80 : 0) | min(volume, Self.maximumVolume),
            UInt8(truncatingIfNeeded: duration >> 8),
            UInt8(truncatingIfNeeded: duration),
        ]
    }

    /// The DTMF key for events 0-15, nil for any other event.
    public var digit: Character? {
        guard Int(event) < Self.dtmfDigits.count else { return nil }
        return Self.dtmfDigits[Int(event)]
    }

    /// The DTMF event code for a key (`0`-`9`, `*`, `#`, `A`-`D`, letters in either case).
    public static func event(for digit: Character) -> UInt8? {
        let key = digit.uppercased()
        guard key.count == 1, let upper = key.first,
              let index = dtmfDigits.firstIndex(of: upper) else { return nil }
        return UInt8(index)
    }

    /// RFC 4733 §3.2: DTMF events 0-15.
    private static let dtmfDigits: [Character] = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "A", "B", "C", "D",
    ]
}

extension TelephoneEvent: CustomStringConvertible {
    public var description: String {
        let name = digit.map { "'\($0)'" } ?? "event \(event)"
        return "TelephoneEvent(\(name), volume: -\(volume) dBm0, duration: \(duration)\(end ? ", end" : ""))"
    }
}
