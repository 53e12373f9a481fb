import Codecs
import SDP
import SRTP

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
public struct LocalAudio: Sendable {
    public var address: String
    public var port: Int
    /// Codecs in our order of preference.
    public var codecs: [CodecDescription.Encoding]
    public var ptime: Int
    public var sessionID: String
    public var sessionVersion: UInt64
    /// SDES-SRTP policy for this endpoint (RFC 4568).
    public var srtp: SRTPPolicy
    /// Builds encoders and writes our Opus receive parameters.
    public var factory = CodecFactory()
    /// Payload types we offer for telephone-event and Opus when we make the offer.
    public var telephoneEventPayloadType: UInt8 = 101
    public var opusPayloadType: UInt8 = 111

    public init(address: String, port: Int, codecs: [CodecDescription.Encoding], ptime: Int, sessionID: String,
                sessionVersion: UInt64, srtp: SRTPPolicy = .optional) {
        self.address = address
        self.port = port
        self.codecs = codecs
        self.ptime = ptime
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.srtp = srtp
    }
}

/// The outcome of an offer/answer exchange for the audio stream.
public struct NegotiatedAudio: Sendable, Equatable {
    public var remote: MediaAddress
    /// Where the peer wants RTCP (its a=rtcp, else port + 1; the RTP address with rtcp-mux).
    public var remoteRTCP: MediaAddress
    /// The peer's description of the codec (its fmtp drives our encoder).
    public var codec: CodecDescription
    public var payloadType: UInt8
    /// The telephone-event payload type both sides agreed on (whatever number the offer used).
    public var telephoneEventPayloadType: UInt8?
    public var telephoneEventClockRate: Int
    /// Comfort noise (RFC 3389) payload type, when agreed.
    public var comfortNoisePayloadType: UInt8?
    public var ptime: Int
    /// Our direction as written in our SDP (answer or offer).
    public var direction: MediaDirection
    /// The remote asked for hold the RFC 2543 way (c=0.0.0.0).
    public var remoteHold: Bool
    /// SRTP keys when the stream is secure.
    public var srtp: SRTPSessionKeys?
    public var rtcpMux: Bool

    public init(remote: MediaAddress, codec: CodecDescription, payloadType: UInt8, telephoneEventPayloadType: UInt8?,
                ptime: Int, direction: MediaDirection, remoteHold: Bool, srtp: SRTPSessionKeys? = nil,
                rtcpMux: Bool = false, remoteRTCP: MediaAddress? = nil, telephoneEventClockRate: Int? = nil,
                comfortNoisePayloadType: UInt8? = nil) {
        self.remote = remote
        self.codec = codec
        self.payloadType = payloadType
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.telephoneEventClockRate = telephoneEventClockRate ?? codec.clockRate
        self.comfortNoisePayloadType = comfortNoisePayloadType
        self.ptime = ptime
        self.direction = direction
        self.remoteHold = remoteHold
        self.srtp = srtp
        self.rtcpMux = rtcpMux
        self.remoteRTCP = remoteRTCP ?? (rtcpMux ? remote : MediaAddress(host: remote.host, port: remote.port + 1))
    }

    public var codecName: String { codec.name }
    public var clockRate: Int { codec.clockRate }
    /// Whether we should send RTP now.
    public var sends: Bool { direction.sends && !remoteHold }
    /// Whether the peer is expected to send us RTP (both ways active: only then can media time out).
    public var expectsIncoming: Bool { direction == .sendrecv && !remoteHold }
    /// RTP timestamp units per packet.
    public var samplesPerFrame: Int { clockRate * ptime / 1000 }
}

/// Why an offer or answer was not acceptable (the caller answers 488).
public struct NegotiationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// An offer we made, kept until its answer arrives (it holds our SRTP keys).
public struct PendingOffer: Sendable {
    let srtp: SDESOffer?
    let local: LocalAudio
}

/// RFC 3264 offer/answer for one audio stream: G.711, G.722 and Opus, telephone-event and comfort
/// noise, SDES-SRTP (RFC 4568) and rtcp-mux (RFC 5761). Pure: no I/O.
public enum AudioNegotiation {
    static let protocols: Set<String> = ["RTP/AVP", "RTP/AVPF", "RTP/SAVP", "RTP/SAVPF"]

    /// Our offer (for INVITEs without SDP, and for our own re-INVITEs).
    public static func offer(local: LocalAudio, direction: MediaDirection = .sendrecv) -> (SessionDescription, PendingOffer) {
        var formats: [String] = []
        var m = MediaDescription(media: "audio", port: local.port, proto: "RTP/AVP", formats: [])
        for encoding in local.codecs {
            let pt = encoding.staticPayloadType ?? local.opusPayloadType
            let description = encoding == .opus ? CodecDescription.opus(local.factory.opusReceiveParameters()) : CodecDescription(encoding: encoding)
            formats.append(String(pt))
            m.attributes.append(Attribute(name: "rtpmap", value: "\(pt) \(description.rtpmap)"))
            let fmtp = description.parameters.description
            if !fmtp.isEmpty { m.attributes.append(Attribute(name: "fmtp", value: "\(pt) \(fmtp)")) }
        }
        let te = local.telephoneEventPayloadType
        formats.append(String(te))
        m.formats = formats
        m.attributes.append(Attribute(name: "rtpmap", value: "\(te) telephone-event/8000"))
        m.attributes.append(Attribute(name: "fmtp", value: "\(te) 0-16"))
        m.attributes.append(Attribute(name: "ptime", value: String(local.ptime)))
        m.attributes.append(Attribute(name: "rtcp-mux", value: nil))
        m.attributes.append(Attribute(name: direction.rawValue, value: nil))
        var sdes: SDESOffer?
        if local.srtp != .off {
            let offer = SDESNegotiator(policy: local.srtp).offer()
            offer.apply(to: &m)
            sdes = offer
        }
        return (session(local: local, media: [m]), PendingOffer(srtp: sdes, local: local))
    }

    /// Answers an offer: the first offered codec we support (the offerer's order), telephone-event
    /// on the offered payload type, the mirrored direction (RFC 3264 §6.1), SRTP per our policy,
    /// rtcp-mux when offered; every other stream is rejected in place (port 0).
    public static func answer(to offer: SessionDescription, local: LocalAudio) throws(NegotiationError)
        -> (answer: SessionDescription, audio: NegotiatedAudio)
    {
        var answered: [MediaDescription] = []
        var chosen: NegotiatedAudio?
        var lastProblem: String?
        for m in offer.media {
            guard chosen == nil, m.media == "audio", m.port != 0, protocols.contains(m.proto.uppercased()) else {
                answered.append(MediaDescription(media: m.media, port: 0, proto: m.proto, formats: Array(m.formats.prefix(1))))
                continue
            }
            do {
                let (media, audio) = try answerStream(m, offer: offer, local: local)
                answered.append(media)
                chosen = audio
            } catch {
                lastProblem = error.reason
                answered.append(MediaDescription(media: m.media, port: 0, proto: m.proto, formats: Array(m.formats.prefix(1))))
            }
        }
        guard let chosen else {
            if let lastProblem { throw NegotiationError(reason: lastProblem) }
            let audio = offer.media.filter { $0.media == "audio" && $0.port != 0 }
            if audio.isEmpty { throw NegotiationError(reason: "the offer has no active audio stream") }
            throw NegotiationError(reason: "unsupported transport \(audio[0].proto)")
        }
        return (session(local: local, media: answered), chosen)
    }

    private static func answerStream(_ m: MediaDescription, offer: SessionDescription, local: LocalAudio)
        throws(NegotiationError) -> (MediaDescription, NegotiatedAudio)
    {
        guard let pick = pickCodec(m, local: local) else {
            throw NegotiationError(reason: "no common codec (we support \(local.codecs.map(\.rawValue).joined(separator: ", ")))")
        }
        let sdes: SDESAnswer
        do {
            sdes = try SDESNegotiator(policy: local.srtp).answer(to: m)
        } catch {
            throw NegotiationError(reason: "SRTP: \(error.description)")
        }
        let conn = offer.connection(for: m)
        var direction = offer.direction(for: m).reversed
        if conn?.isHoldAddress ?? true {
            // RFC 2543-style hold (c=0.0.0.0): there is nowhere to send, so never answer that we will
            // (RFC 6337 §5.3): sendrecv → recvonly, sendonly → inactive.
            if direction == .sendrecv { direction = .recvonly } else if direction == .sendonly { direction = .inactive }
        }
        let mux = m.rtcpMux
        var answer = MediaDescription(media: "audio", port: local.port, proto: m.proto, formats: [String(pick.payloadType)])
        let ours = pick.codec.encoding == .opus ? CodecDescription.opus(local.factory.opusReceiveParameters()) : pick.codec
        answer.attributes.append(Attribute(name: "rtpmap", value: "\(pick.payloadType) \(ours.rtpmap)"))
        let fmtp = ours.parameters.description
        if !fmtp.isEmpty { answer.attributes.append(Attribute(name: "fmtp", value: "\(pick.payloadType) \(fmtp)")) }
        if let te = pick.telephoneEvent {
            answer.formats.append(String(te.payloadType))
            answer.attributes.append(Attribute(name: "rtpmap", value: "\(te.payloadType) telephone-event/\(te.clockRate)"))
            answer.attributes.append(Attribute(name: "fmtp", value: "\(te.payloadType) \(m.fmtp(for: te.payloadType) ?? "0-15")"))
        }
        if let cn = pick.comfortNoise {
            answer.formats.append(String(cn))
            answer.attributes.append(Attribute(name: "rtpmap", value: "\(cn) CN/8000"))
        }
        answer.attributes.append(Attribute(name: "ptime", value: String(local.ptime)))
        if mux { answer.attributes.append(Attribute(name: "rtcp-mux", value: nil)) }
        answer.attributes.append(Attribute(name: direction.rawValue, value: nil))
        sdes.apply(to: &answer)
        let remoteHost = conn?.address ?? "0.0.0.0"
        let rtcpPort = m.rtcp?.port ?? (m.port + 1)
        let audio = NegotiatedAudio(
            remote: MediaAddress(host: remoteHost, port: m.port), codec: pick.codec, payloadType: pick.payloadType,
            telephoneEventPayloadType: pick.telephoneEvent?.payloadType, ptime: local.ptime, direction: direction,
            remoteHold: conn?.isHoldAddress ?? true, srtp: sdes.keys, rtcpMux: mux,
            remoteRTCP: mux ? nil : MediaAddress(host: m.rtcp?.connection?.address ?? remoteHost, port: rtcpPort),
            telephoneEventClockRate: pick.telephoneEvent?.clockRate, comfortNoisePayloadType: pick.comfortNoise)
        return (answer, audio)
    }

    /// Reads the answer to our offer (delayed offer: the answer arrives in the ACK).
    public static func accept(answer: SessionDescription, offer: PendingOffer) throws(NegotiationError) -> NegotiatedAudio {
        guard let m = answer.media.first(where: { $0.media == "audio" && $0.port != 0 }) else {
            throw NegotiationError(reason: "the answer rejected the audio stream")
        }
        guard let pick = pickCodec(m, local: offer.local) else {
            throw NegotiationError(reason: "the answer chose a codec we did not offer")
        }
        var keys: SRTPSessionKeys?
        if let sdes = offer.srtp {
            do {
                keys = try sdes.accept(m)
            } catch {
                throw NegotiationError(reason: "SRTP: \(error.description)")
            }
        } else if RTPProfile.isSecure(m.proto) {
            throw NegotiationError(reason: "the answer is SRTP but we offered plain RTP")
        }
        let conn = answer.connection(for: m)
        let host = conn?.address ?? "0.0.0.0"
        return NegotiatedAudio(
            remote: MediaAddress(host: host, port: m.port), codec: pick.codec, payloadType: pick.payloadType,
            telephoneEventPayloadType: pick.telephoneEvent?.payloadType, ptime: offer.local.ptime,
            direction: answer.direction(for: m).reversed, remoteHold: conn?.isHoldAddress ?? true, srtp: keys,
            rtcpMux: m.rtcpMux, remoteRTCP: m.rtcpMux ? nil : MediaAddress(host: host, port: m.rtcp?.port ?? m.port + 1),
            telephoneEventClockRate: pick.telephoneEvent?.clockRate, comfortNoisePayloadType: pick.comfortNoise)
    }

    private struct Pick {
        var codec: CodecDescription
        var payloadType: UInt8
        var telephoneEvent: RTPMap?
        var comfortNoise: UInt8?
    }

    private static func pickCodec(_ m: MediaDescription, local: LocalAudio) -> Pick? {
        var pick: Pick?
        var events: [RTPMap] = []
        var cn: UInt8?
        for pt in m.payloadTypes {
            guard let map = m.rtpMap(for: pt) else { continue }
            switch map.encodingName.lowercased() {
            case "telephone-event": events.append(map)
            case "cn": if map.clockRate == 8000 { cn = pt }
            default:
                guard pick == nil, let encoding = CodecDescription.Encoding(name: map.encodingName),
                      local.codecs.contains(encoding),
                      let codec = try? CodecDescription(name: map.encodingName, clockRate: map.clockRate,
                                                        channels: map.channels, fmtp: m.fmtp(for: pt))
                else { continue }
                pick = Pick(codec: codec, payloadType: pt)
            }
        }
        guard var pick else { return nil }
        // RFC 4733 §2.1: prefer the telephone-event clock that matches the audio codec's.
        pick.telephoneEvent = events.first { $0.clockRate == pick.codec.clockRate } ?? events.first
        if pick.codec.clockRate == 8000 { pick.comfortNoise = cn }
        return pick
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

/// Whether an m= line's transport is SRTP.
enum RTPProfile {
    static func isSecure(_ proto: String) -> Bool { proto.uppercased().hasPrefix("RTP/SAVP") }
}
