/// The static RTP payload types of RFC 3551 §6 (Tables 4 and 5).
///
/// A peer may offer these without an `a=rtpmap` line (`m=audio 4000 RTP/AVP 0 8` alone means
/// PCMU and PCMA), so ``MediaDescription/rtpMap(for:)`` falls back to this table. Dynamic types
/// (96-127) and unassigned or reserved numbers have no entry.
public enum StaticPayloadTypes {
    /// The mapping RFC 3551 assigns to `payloadType`, or nil when it assigns none.
    /// Channel counts are given only where they differ from one (as an rtpmap would write them).
    public static func rtpMap(for payloadType: UInt8) -> RTPMap? {
        guard let (name, clockRate, channels) = entry(payloadType) else { return nil }
        return RTPMap(payloadType: payloadType, encodingName: name, clockRate: clockRate, channels: channels)
    }

    // A switch rather than a dictionary: no global state, no allocation per lookup.
    private static func entry(_ payloadType: UInt8) -> (String, Int, Int?)? {
        switch payloadType {
        case 0: ("PCMU", 8000, nil)
        case 3: ("GSM", 8000, nil)
        case 4: ("G723", 8000, nil)
        case 5: ("DVI4", 8000, nil)
        case 6: ("DVI4", 16000, nil)
        case 7: ("LPC", 8000, nil)
        case 8: ("PCMA", 8000, nil)
        // G.722 samples at 16 kHz but RFC 3551 §4.5.2 fixes its RTP clock at 8000 Hz.
        case 9: ("G722", 8000, nil)
        case 10: ("L16", 44100, 2)
        case 11: ("L16", 44100, nil)
        case 12: ("QCELP", 8000, nil)
        case 13: ("CN", 8000, nil)
        case 14: ("MPA", 90000, nil)
        case 15: ("G728", 8000, nil)
        case 16: ("DVI4", 11025, nil)
        case 17: ("DVI4", 22050, nil)
        case 18: ("G729", 8000, nil)
        case 25: ("CelB", 90000, nil)
        case 26: ("JPEG", 90000, nil)
        case 28: ("nv", 90000, nil)
        case 31: ("H261", 90000, nil)
        case 32: ("MPV", 90000, nil)
        case 33: ("MP2T", 90000, nil)
        case 34: ("H263", 90000, nil)
        default: nil
        }
    }
}
