/// Typed views over a media section's attributes.
///
/// Readers skip malformed attribute values rather than failing: a peer's odd `a=ptime:abc` must
/// not make the whole offer unusable. Writers rewrite ``MediaDescription/attributes`` in place:
/// a replaced attribute keeps the position of the first one it replaces, a new one is appended,
/// and every other attribute keeps its order.
extension MediaDescription {
    /// The formats that are RTP payload type numbers (0-127), in m= line order.
    public var payloadTypes: [UInt8] {
        formats.compactMap { format in
            guard let value = format.sdpBytes.decimal(UInt8.self), value <= 127 else { return nil }
            return value
        }
    }

    /// Every well-formed `a=rtpmap`, in attribute order.
    public var rtpMaps: [RTPMap] {
        attributes.compactMap { attribute in
            guard attribute.name == "rtpmap", let value = attribute.value else { return nil }
            return RTPMap(attributeValue: value)
        }
    }

    /// The mapping for `payloadType`: its `a=rtpmap` line, else the RFC 3551 static assignment.
    public func rtpMap(for payloadType: UInt8) -> RTPMap? {
        rtpMaps.first { $0.payloadType == payloadType } ?? StaticPayloadTypes.rtpMap(for: payloadType)
    }

    /// Adds `map` as an `a=rtpmap`, replacing the one for the same payload type if present.
    public mutating func setRTPMap(_ map: RTPMap) {
        attributes.replaceAll(where: { $0.name == "rtpmap" && Self.leadingPayloadType($0.value) == map.payloadType },
                              with: [map.attribute])
    }

    /// The format parameters of `a=fmtp:<payloadType> <parameters>` (for example `0-16` for
    /// telephone-event, `useinbandfec=1;minptime=10` for Opus), or nil when there is none.
    public func fmtp(for payloadType: UInt8) -> String? {
        for attribute in attributes where attribute.name == "fmtp" {
            guard let value = attribute.value, let (type, parameters) = Self.splitFormat(value),
                  type == payloadType else { continue }
            return parameters
        }
        return nil
    }

    /// Sets (or with nil removes) the `a=fmtp` parameters for `payloadType`.
    public mutating func setFmtp(_ parameters: String?, for payloadType: UInt8) {
        let replacement = parameters.map { [Attribute(name: "fmtp", value: "\(payloadType) \($0)")] } ?? []
        attributes.replaceAll(where: { $0.name == "fmtp" && Self.leadingPayloadType($0.value) == payloadType },
                              with: replacement)
    }

    /// Keeps only `kept` on the m= line (in the given order) and drops the rtpmap, fmtp and
    /// rtcp-fb attributes of every format removed. `a=rtcp-fb:*` lines stay.
    public mutating func retainFormats(_ kept: [String]) {
        let removed = Set(formats).subtracting(kept)
        formats = kept
        attributes.removeAll { attribute in
            guard ["rtpmap", "fmtp", "rtcp-fb"].contains(attribute.name), let value = attribute.value,
                  let format = value.split(separator: " ", maxSplits: 1).first else { return false }
            return removed.contains(String(format))
        }
    }

    /// The media-level direction attribute, nil when there is none. RFC 3264 §5.1: then the
    /// session-level one applies, else `sendrecv` (see ``SessionDescription/direction(for:)``).
    public var direction: MediaDirection? {
        get { attributes.direction }
        set { attributes.direction = newValue }
    }

    /// Replaces any existing direction attribute with `direction`.
    public mutating func setDirection(_ direction: MediaDirection) {
        self.direction = direction
    }

    /// `a=ptime`: the packet duration in milliseconds the sender wants to receive.
    public var ptime: Int? {
        get { attributes.milliseconds(named: "ptime") }
        set { attributes.setValue(newValue.map(String.init), named: "ptime") }
    }

    /// `a=maxptime`: the longest packet duration, in milliseconds, the sender can receive.
    public var maxptime: Int? {
        get { attributes.milliseconds(named: "maxptime") }
        set { attributes.setValue(newValue.map(String.init), named: "maxptime") }
    }

    /// `a=rtcp` (RFC 3605): where RTCP goes when not to the RTP port plus one.
    public var rtcp: RTCPAttribute? {
        get { attributes.first { $0.name == "rtcp" }?.value.flatMap(RTCPAttribute.init(attributeValue:)) }
        set { attributes.setValue(newValue?.attributeValue, named: "rtcp") }
    }

    /// `a=rtcp-mux` (RFC 5761): RTP and RTCP share one port.
    public var rtcpMux: Bool {
        get { attributes.contains { $0.name == "rtcp-mux" } }
        set { attributes.replaceAll(where: { $0.name == "rtcp-mux" }, with: newValue ? [Attribute(name: "rtcp-mux")] : []) }
    }

    /// Every well-formed `a=crypto` (RFC 4568), in attribute order. Setting replaces them all.
    public var crypto: [Crypto] {
        get {
            attributes.compactMap { attribute in
                guard attribute.name == "crypto", let value = attribute.value else { return nil }
                return Crypto(attributeValue: value)
            }
        }
        set { attributes.replaceAll(where: { $0.name == "crypto" }, with: newValue.map(\.attribute)) }
    }

    /// The first attribute called `name`'s value (nil for a flag or when absent).
    public func attributeValue(named name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// Whether any attribute is called `name`.
    public func hasAttribute(named name: String) -> Bool {
        attributes.contains { $0.name == name }
    }

    // "101 0-16" -> (101, "0-16"); "101" -> (101, "").
    static func splitFormat(_ value: String) -> (UInt8, String)? {
        let bytes = value.sdpBytes
        let end = bytes.firstIndex(where: ASCII.isWhitespace) ?? bytes.endIndex
        guard let type = bytes[bytes.startIndex..<end].decimal(UInt8.self) else { return nil }
        let rest = bytes[end...].drop(while: ASCII.isWhitespace)
        return (type, rest.text)
    }

    static func leadingPayloadType(_ value: String?) -> UInt8? {
        value.flatMap(splitFormat)?.0
    }
}
