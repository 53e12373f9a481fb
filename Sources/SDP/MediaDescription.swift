/// One media section: an m= line and the i=, c=, b=, k= and a= lines under it
/// (RFC 8866 §5.14).
///
/// Typed readings of the attributes (rtpmap, fmtp, direction, ptime, rtcp, crypto ...) live in
/// `MediaDescription+Attributes.swift`; they read and rewrite ``attributes`` in place, so
/// attributes this module does not understand survive untouched and in order.
public struct MediaDescription: Sendable, Equatable {
    /// The media type: `audio`, `video`, `text`, `application`, `message` or another token.
    public var media: String
    /// The transport port; 0 rejects or disables the stream (RFC 3264 §6).
    public var port: Int
    /// The number of consecutive ports (`m=video 49170/2 ...`), nil when not given.
    public var portCount: Int?
    /// The transport protocol: `RTP/AVP`, `RTP/SAVP`, `RTP/AVPF`, `UDP/TLS/RTP/SAVPF` ...
    public var proto: String
    /// The media formats exactly as on the m= line: payload type numbers for RTP profiles.
    public var formats: [String]
    public var information: String?
    /// The media-level c= line; when nil the session-level one applies
    /// (see ``SessionDescription/connection(for:)``).
    public var connection: Connection?
    public var bandwidths: [Bandwidth]
    /// The k= line, kept raw (RFC 8866 obsoletes it; nobody should use it).
    public var encryptionKey: String?
    public var attributes: [Attribute]

    public init(
        media: String,
        port: Int,
        proto: String,
        formats: [String],
        connection: Connection? = nil,
        attributes: [Attribute] = []
    ) {
        self.media = media
        self.port = port
        self.portCount = nil
        self.proto = proto
        self.formats = formats
        self.information = nil
        self.connection = connection
        self.bandwidths = []
        self.encryptionKey = nil
        self.attributes = attributes
    }

    /// Whether the stream is rejected or disabled: port 0 (RFC 3264 §6, §8.2).
    public var isRejected: Bool { port == 0 }

    /// Parses the value of an m= line (the text after `m=`); the other lines are added by the
    /// session parser as it meets them.
    init(mediaLine value: ArraySlice<UInt8>, line: Int) throws(SDPError) {
        let fields = value.fields()
        guard fields.count >= 3 else {
            throw SDPError(line: line, reason: "m= line: expected <media> <port> <proto> <formats>")
        }
        let portParts = fields[1].pieces(separatedBy: ASCII.slash)
        guard portParts.count <= 2 else {
            throw SDPError(line: line, reason: "m= line: port has too many '/' parts")
        }
        guard let port = portParts[0].decimal(Int.self) else {
            throw SDPError(line: line, reason: "m= line: port is not a number")
        }
        guard port <= 65535 else {
            throw SDPError(line: line, reason: "m= line: port is larger than 65535")
        }
        self.init(media: fields[0].text, port: port, proto: fields[2].text, formats: fields.dropFirst(3).map(\.text))
        if portParts.count == 2 {
            guard let count = portParts[1].decimal(Int.self), count >= 1, count <= 65535 else {
                throw SDPError(line: line, reason: "m= line: port count is not a number from 1 to 65535")
            }
            portCount = count
        }
    }

    /// The value of the m= line, without `m=`.
    var mediaLineValue: String {
        var text = media
        text += " "
        text += String(port)
        if let portCount { text += "/\(portCount)" }
        text += " "
        text += proto
        for format in formats {
            text += " "
            text += format
        }
        return text
    }
}
