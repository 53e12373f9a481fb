/// A session description (RFC 8866, which obsoletes RFC 4566) as a plain value.
///
/// The SDP module owns the wire format of SDP and nothing else: it parses untrusted text or bytes
/// into these values (never trapping, always with a typed ``SDPError`` naming the line), serializes
/// them back with CRLF line ends in RFC order, and offers typed views of the attributes a
/// softswitch needs (rtpmap, fmtp, direction, ptime, rtcp, rtcp-mux, crypto). It knows nothing of
/// SIP, sockets, codecs or offer/answer policy, and must not: those live in higher modules that
/// import it. It has no dependencies, reads no clock and does no I/O.
public struct SessionDescription: Sendable, Equatable {
    /// v=; always 0 for descriptions this module parses.
    public var version: Int
    public var origin: Origin
    /// s=; `" "` or `"-"` when the session has no meaningful name.
    public var sessionName: String
    public var information: String?
    public var uri: String?
    public var emails: [String]
    public var phones: [String]
    /// The session-level c= line, used by every media section without its own.
    public var connection: Connection?
    public var bandwidths: [Bandwidth]
    /// The t= lines with their r= lines. A description with no t= line (which RFC 8866 forbids
    /// but some peers send) parses as a single `t=0 0`.
    public var timings: [Timing]
    /// z=, kept raw.
    public var timeZones: String?
    /// k=, kept raw (obsolete since RFC 8866).
    public var encryptionKey: String?
    public var attributes: [Attribute]
    public var media: [MediaDescription]

    public init(
        origin: Origin,
        sessionName: String = "-",
        connection: Connection? = nil,
        timings: [Timing] = [Timing(start: 0, stop: 0)],
        attributes: [Attribute] = [],
        media: [MediaDescription] = []
    ) {
        self.version = 0
        self.origin = origin
        self.sessionName = sessionName
        self.information = nil
        self.uri = nil
        self.emails = []
        self.phones = []
        self.connection = connection
        self.bandwidths = []
        self.timings = timings
        self.timeZones = nil
        self.encryptionKey = nil
        self.attributes = attributes
        self.media = media
    }

    /// The connection that applies to `media`: its own c= line, else the session-level one
    /// (RFC 8866 §5.7).
    public func connection(for media: MediaDescription) -> Connection? {
        media.connection ?? connection
    }

    /// The direction that applies to `media`: its own direction attribute, else the
    /// session-level one, else `sendrecv` (RFC 3264 §5.1).
    public func direction(for media: MediaDescription) -> MediaDirection {
        media.direction ?? attributes.direction ?? .sendrecv
    }

    /// The session-level direction attribute, nil when there is none.
    public var sessionDirection: MediaDirection? {
        get { attributes.direction }
        set { attributes.direction = newValue }
    }

    /// The first session-level attribute called `name`'s value (nil for a flag or when absent).
    public func attributeValue(named name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }
}
