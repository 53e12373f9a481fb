import SDP

/// Where an RTP peer is.
public struct MediaAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Our side of an audio stream, as we describe it in SDP.
public struct LocalAudio: Sendable, Equatable {
    public var address: String
    public var port: Int
    /// Codec names in our order of preference (e.g. ["PCMU", "PCMA"]).
    public var codecs: [String]
    public var ptime: Int
    public var sessionID: String
    public var sessionVersion: UInt64
    /// Payload type we offer for telephone-event (RFC 4733) when we make the offer.
    public var telephoneEventPayloadType: UInt8 = 101

    public init(address: String, port: Int, codecs: [String], ptime: Int, sessionID: String, sessionVersion: UInt64) {
        self.address = address
        self.port = port
        self.codecs = codecs
        self.ptime = ptime
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
    }
}

/// The outcome of an offer/answer exchange for the audio stream.
public struct NegotiatedAudio: Sendable, Equatable {
    public var remote: MediaAddress
    public var codecName: String
    public var payloadType: UInt8
    public var clockRate: Int
    /// The telephone-event payload type both sides agreed on, if any (whatever number the offer used).
    public var telephoneEventPayloadType: UInt8?
    public var ptime: Int
    /// Our direction as written in our SDP (answer or offer).
    public var direction: MediaDirection
    /// The remote asked for hold the RFC 2543 way (c=0.0.0.0) or gave port 0.
    public var remoteHold: Bool

    public init(remote: MediaAddress, codecName: String, payloadType: UInt8, clockRate: Int,
                telephoneEventPayloadType: UInt8?, ptime: Int, direction: MediaDirection, remoteHold: Bool) {
        self.remote = remote
        self.codecName = codecName
        self.payloadType = payloadType
        self.clockRate = clockRate
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.ptime = ptime
        self.direction = direction
        self.remoteHold = remoteHold
    }

    /// Whether we should send RTP now.
    public var sends: Bool { direction.sends && !remoteHold }
    /// Samples per packet at the RTP clock.
    public var samplesPerFrame: Int { clockRate * ptime / 1000 }
}

/// Why an offer or answer was not acceptable (the caller answers 488).
public struct NegotiationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// RFC 3264 offer/answer for one audio stream with G.711 and telephone-event. Pure: no I/O.
public enum AudioNegotiation {
    static let supportedProtocols: Set<String> = ["RTP/AVP", "RTP/AVPF"]

    /// Our offer (for INVITEs without SDP, and for our own re-INVITEs).
    public static func offer(local: LocalAudio, direction: MediaDirection = .sendrecv) -> SessionDescription {
        var formats: [String] = []
        var attributes: [Attribute] = []
        for name in local.codecs {
            guard let pt = staticPayloadType(for: name) else { continue }
            formats.append(String(pt))
            attributes.append(Attribute(name: "rtpmap", value: "\(pt) \(name)/8000"))
        }
        let te = local.telephoneEventPayloadType
        formats.append(String(te))
        attributes.append(Attribute(name: "rtpmap", value: "\(te) telephone-event/8000"))
        attributes.append(Attribute(name: "fmtp", value: "\(te) 0-16"))
        attributes.append(Attribute(name: "ptime", value: String(local.ptime)))
        attributes.append(Attribute(name: direction.rawValue, value: nil))
        let m = MediaDescription(media: "audio", port: local.port, proto: "RTP/AVP", formats: formats, attributes: attributes)
        return session(local: local, media: [m])
    }

    /// Answers an offer: picks the first offered codec we support (the offerer's order), keeps
    /// telephone-event on the offered payload type, mirrors the direction (RFC 3264 §6.1), and
    /// rejects (port 0) every other stream.
    public static func answer(to offer: SessionDescription, local: LocalAudio) throws(NegotiationError)
        -> (answer: SessionDescription, audio: NegotiatedAudio)
    {
        var answered: [MediaDescription] = []
        var chosen: NegotiatedAudio?
        for m in offer.media {
            if chosen == nil, m.media == "audio", m.port != 0, supportedProtocols.contains(m.proto),
               let (pick, te) = pickCodec(m, local: local)
            {
                let direction = (m.direction ?? .sendrecv).reversed
                let conn = offer.connection(for: m)
                let hold = conn?.isHoldAddress ?? true
                let audio = NegotiatedAudio(
                    remote: MediaAddress(host: conn?.address ?? "0.0.0.0", port: m.port),
                    codecName: pick.encodingName.uppercased(), payloadType: pick.payloadType,
                    clockRate: pick.clockRate, telephoneEventPayloadType: te?.payloadType,
                    ptime: local.ptime, direction: direction, remoteHold: hold)
                var attributes = [Attribute(name: "rtpmap", value: "\(pick.payloadType) \(pick.encodingName)/\(pick.clockRate)")]
                var formats = [String(pick.payloadType)]
                if let te {
                    formats.append(String(te.payloadType))
                    attributes.append(Attribute(name: "rtpmap", value: "\(te.payloadType) telephone-event/\(te.clockRate)"))
                    attributes.append(Attribute(name: "fmtp", value: "\(te.payloadType) \(m.fmtp(for: te.payloadType) ?? "0-15")"))
                }
                attributes.append(Attribute(name: "ptime", value: String(local.ptime)))
                attributes.append(Attribute(name: direction.rawValue, value: nil))
                answered.append(MediaDescription(media: "audio", port: local.port, proto: m.proto, formats: formats, attributes: attributes))
                chosen = audio
            } else {
                // RFC 3264 §6: a rejected stream keeps its place with port 0.
                answered.append(MediaDescription(media: m.media, port: 0, proto: m.proto, formats: Array(m.formats.prefix(1))))
            }
        }
        guard let chosen else {
            let audio = offer.media.filter { $0.media == "audio" && $0.port != 0 }
            if audio.isEmpty { throw NegotiationError(reason: "the offer has no active audio stream") }
            if !audio.contains(where: { supportedProtocols.contains($0.proto) }) {
                throw NegotiationError(reason: "unsupported transport \(audio[0].proto)")
            }
            throw NegotiationError(reason: "no common codec (we support \(local.codecs.joined(separator: ", ")))")
        }
        return (session(local: local, media: answered), chosen)
    }

    /// Reads the answer to our offer (delayed offer: the answer arrives in the ACK).
    public static func accept(answer: SessionDescription, local: LocalAudio) throws(NegotiationError) -> NegotiatedAudio {
        guard let m = answer.media.first(where: { $0.media == "audio" && $0.port != 0 }) else {
            throw NegotiationError(reason: "the answer rejected the audio stream")
        }
        guard let (pick, te) = pickCodec(m, local: local) else {
            throw NegotiationError(reason: "the answer chose a codec we did not offer")
        }
        let conn = answer.connection(for: m)
        let theirs = m.direction ?? .sendrecv
        return NegotiatedAudio(
            remote: MediaAddress(host: conn?.address ?? "0.0.0.0", port: m.port),
            codecName: pick.encodingName.uppercased(), payloadType: pick.payloadType, clockRate: pick.clockRate,
            telephoneEventPayloadType: te?.payloadType, ptime: local.ptime, direction: theirs.reversed,
            remoteHold: conn?.isHoldAddress ?? true)
    }

    private static func pickCodec(_ m: MediaDescription, local: LocalAudio) -> (RTPMap, RTPMap?)? {
        var pick: RTPMap?
        var te: RTPMap?
        for pt in m.payloadTypes {
            guard let map = m.rtpMap(for: pt) else { continue }
            let name = map.encodingName.uppercased()
            if name == "TELEPHONE-EVENT", map.clockRate == 8000, te == nil {
                te = map
            } else if pick == nil, map.clockRate == 8000, local.codecs.contains(name), (map.channels ?? 1) == 1 {
                pick = map
            }
        }
        guard let pick else { return nil }
        return (pick, te)
    }

    static func staticPayloadType(for codec: String) -> UInt8? {
        switch codec.uppercased() {
        case "PCMU": return 0
        case "PCMA": return 8
        default: return nil
        }
    }

    private static func session(local: LocalAudio, media: [MediaDescription]) -> SessionDescription {
        let v6 = local.address.contains(":")
        let origin = Origin(username: "parley", sessionID: local.sessionID, sessionVersion: local.sessionVersion,
                            netType: "IN", addressType: v6 ? "IP6" : "IP4", address: local.address)
        return SessionDescription(origin: origin, sessionName: "Parley",
                                  connection: Connection(address: local.address, addressType: v6 ? "IP6" : "IP4"),
                                  media: media)
    }
}
