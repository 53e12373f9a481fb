/// An `a=rtpmap` value (RFC 8866 §6.6): `<payload type> <encoding name>/<clock rate>[/<channels>]`.
public struct RTPMap: Sendable, Equatable {
    public var payloadType: UInt8
    public var encodingName: String
    public var clockRate: Int
    /// The encoding parameters: the channel count for audio, nil when absent (meaning one).
    public var channels: Int?

    public init(payloadType: UInt8, encodingName: String, clockRate: Int, channels: Int? = nil) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
    }

    /// Reads an rtpmap attribute value such as `96 opus/48000/2`; nil when it is malformed.
    public init?(attributeValue: String) {
        let fields = attributeValue.sdpBytes.fields()
        guard fields.count == 2,
              let payloadType = fields[0].decimal(UInt8.self), payloadType <= 127
        else { return nil }
        let parts = fields[1].pieces(separatedBy: ASCII.slash)
        guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty,
              let clockRate = parts[1].decimal(Int.self), clockRate > 0
        else { return nil }
        var channels: Int? = nil
        if parts.count == 3 {
            guard let count = parts[2].decimal(Int.self), count > 0 else { return nil }
            channels = count
        }
        self.init(payloadType: payloadType, encodingName: parts[0].text, clockRate: clockRate, channels: channels)
    }

    /// The attribute value, such as `8 PCMA/8000` or `111 opus/48000/2`.
    public var attributeValue: String {
        var text = "\(payloadType) \(encodingName)/\(clockRate)"
        if let channels { text += "/\(channels)" }
        return text
    }

    public var attribute: Attribute { Attribute(name: "rtpmap", value: attributeValue) }
}

/// An `a=crypto` value (RFC 4568 §9.1, SDES-SRTP):
/// `<tag> <crypto-suite> <key-params> [<session-param> ...]`.
///
/// Key parameters are kept as text (`inline:<base64 key||salt>|2^20|1:32`); decoding them is the
/// business of whoever sets up SRTP.
public struct Crypto: Sendable, Equatable {
    public var tag: Int
    public var suite: String
    public var keyParams: String
    public var sessionParams: [String]

    public init(tag: Int, suite: String, keyParams: String, sessionParams: [String] = []) {
        self.tag = tag
        self.suite = suite
        self.keyParams = keyParams
        self.sessionParams = sessionParams
    }

    /// Reads a crypto attribute value; nil when it is malformed.
    public init?(attributeValue: String) {
        let fields = attributeValue.sdpBytes.fields()
        // RFC 4568 §9.1: the tag is 1*9DIGIT.
        guard fields.count >= 3, fields[0].count <= 9, let tag = fields[0].decimal(Int.self) else { return nil }
        self.init(
            tag: tag,
            suite: fields[1].text,
            keyParams: fields[2].text,
            sessionParams: fields.dropFirst(3).map(\.text)
        )
    }

    public var attributeValue: String {
        ([String(tag), suite, keyParams] + sessionParams).joined(separator: " ")
    }

    public var attribute: Attribute { Attribute(name: "crypto", value: attributeValue) }
}

/// An `a=rtcp` value (RFC 3605): the port, and optionally the address, RTCP uses when it is
/// not the RTP port plus one.
public struct RTCPAttribute: Sendable, Equatable {
    public var port: Int
    public var connection: Connection?

    public init(port: Int, connection: Connection? = nil) {
        self.port = port
        self.connection = connection
    }

    /// Reads an rtcp attribute value such as `53021` or `53021 IN IP4 126.16.64.4`; nil when it
    /// is malformed.
    public init?(attributeValue: String) {
        let bytes = attributeValue.sdpBytes
        let fields = bytes.fields()
        guard fields.count == 1 || fields.count == 4,
              let port = fields[0].decimal(Int.self), port <= 65535
        else { return nil }
        var connection: Connection? = nil
        if fields.count == 4 {
            guard let parsed = try? Connection(sdpValue: bytes[fields[1].startIndex...], line: 0) else { return nil }
            connection = parsed
        }
        self.init(port: port, connection: connection)
    }

    public var attributeValue: String {
        guard let connection else { return String(port) }
        return "\(port) \(connection.sdpValue)"
    }

    public var attribute: Attribute { Attribute(name: "rtcp", value: attributeValue) }
}
