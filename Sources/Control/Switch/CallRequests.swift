import Foundation

/// `POST /calls`: place a call to `to` and, once it answers, connect it to `connectTo`.
public struct OriginateRequest: Codable, Sendable, Equatable {
    /// Who to call: an extension ("1001"), a number routed by the dialplan, or a SIP URI.
    public var to: String
    /// What the answered call is joined with: a dialplan number (another extension, a service, a
    /// conference), a room ("room:sales"), or an agent ("agent:support"). The switch requires
    /// it (400 without).
    public var connectTo: String?
    /// Caller ID to present; nil uses the trunk's or the switch's default.
    public var callerID: String?
    /// Give up ringing after this many seconds (1-600); nil uses the switch's default.
    public var timeoutSeconds: Int?

    public init(to: String, connectTo: String? = nil, callerID: String? = nil, timeoutSeconds: Int? = nil) {
        self.to = to
        self.connectTo = connectTo
        self.callerID = callerID
        self.timeoutSeconds = timeoutSeconds
    }

    /// Checks what can be checked without the switch.
    public func validated() throws(ControlError) -> OriginateRequest {
        guard Self.isTarget(to) else { throw .badRequest("\"to\" must be a non-empty target without spaces") }
        if let connectTo, !Self.isTarget(connectTo) {
            throw .badRequest("\"connectTo\" must be a non-empty target without spaces")
        }
        if let timeoutSeconds, !(1...600).contains(timeoutSeconds) {
            throw .badRequest("\"timeoutSeconds\" must be between 1 and 600")
        }
        return self
    }

    static func isTarget(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 256 && !text.contains(where: { $0.isWhitespace || $0.isNewline })
    }
}

/// What `POST /calls` answers.
public struct OriginateResult: Codable, Sendable, Equatable {
    public var callID: CallID
    public init(callID: CallID) { self.callID = callID }
}

/// `POST /calls/{id}/transfer`. Blind: REFER the far end to `target` (RFC 3515). Attended:
/// join this call's far end with the far end of `withCall`, a consultation call already set up
/// (REFER with Replaces, RFC 3891).
public enum TransferRequest: Codable, Sendable, Equatable {
    case blind(target: String)
    case attended(withCall: CallID)

    private enum CodingKeys: String, CodingKey { case mode, target, withCall }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .mode) {
        case "blind": self = .blind(target: try container.decode(String.self, forKey: .target))
        case "attended": self = .attended(withCall: try container.decode(CallID.self, forKey: .withCall))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .mode, in: container,
                                                   debugDescription: "unknown transfer mode \"\(other)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .blind(let target):
            try container.encode("blind", forKey: .mode)
            try container.encode(target, forKey: .target)
        case .attended(let other):
            try container.encode("attended", forKey: .mode)
            try container.encode(other, forKey: .withCall)
        }
    }

    public func validated(for call: CallID) throws(ControlError) -> TransferRequest {
        switch self {
        case .blind(let target):
            guard OriginateRequest.isTarget(target) else {
                throw .badRequest("\"target\" must be a non-empty target without spaces")
            }
        case .attended(let other):
            guard other != call else { throw .badRequest("a call cannot be transferred to itself") }
        }
        return self
    }
}

/// `POST /calls/{id}/hold` and `/resume`: the whole call, or one leg of it.
public struct LegSelector: Codable, Sendable, Equatable {
    public var leg: LegID?
    public init(leg: LegID? = nil) { self.leg = leg }
}

/// `POST /calls/{id}/hangup`.
public struct HangUpRequest: Codable, Sendable, Equatable {
    /// SIP status sent to a call that is still ringing (486, 603...); nil: 480 / BYE.
    public var status: Int?
    public var reason: String?

    public init(status: Int? = nil, reason: String? = nil) {
        self.status = status
        self.reason = reason
    }

    public func validated() throws(ControlError) -> HangUpRequest {
        if let status, !(400...699).contains(status) {
            throw .badRequest("\"status\" must be a SIP final failure status (400-699)")
        }
        return self
    }
}

/// `POST /calls/{id}/dtmf`: RFC 4733 telephone events sent to the call's far end.
public struct DTMFRequest: Codable, Sendable, Equatable {
    /// Digits to send, in order: 0-9, *, #, A-D.
    public var digits: String
    /// Tone length per digit in milliseconds (40-2000); nil: 100.
    public var durationMilliseconds: Int?
    /// The leg to send on; nil: the call's remote party.
    public var leg: LegID?
    /// How: `auto` (nil: RFC 4733 when negotiated, else in-band), `rfc4733`, `inband` or `info`.
    public var method: String?

    public init(digits: String, durationMilliseconds: Int? = nil, leg: LegID? = nil, method: String? = nil) {
        self.digits = digits
        self.durationMilliseconds = durationMilliseconds
        self.leg = leg
        self.method = method
    }

    public static let methods = ["auto", "rfc4733", "inband", "info"]

    public static let allowedDigits = Set("0123456789*#ABCD")

    public func validated() throws(ControlError) -> DTMFRequest {
        let upper = digits.uppercased()
        guard !upper.isEmpty, upper.count <= 64, upper.allSatisfy(Self.allowedDigits.contains) else {
            throw .badRequest("\"digits\" must be 1-64 of 0-9 * # A-D")
        }
        if let durationMilliseconds, !(40...2000).contains(durationMilliseconds) {
            throw .badRequest("\"durationMilliseconds\" must be between 40 and 2000")
        }
        if let method, !Self.methods.contains(method) {
            throw .badRequest("\"method\" must be one of \(Self.methods.joined(separator: ", "))")
        }
        return DTMFRequest(digits: upper, durationMilliseconds: durationMilliseconds, leg: leg, method: method)
    }
}

/// What a sound is played to, or a recording is made of.
public enum MediaTarget: Sendable, Equatable, CustomStringConvertible {
    case call(CallID)
    case room(RoomID)

    public var description: String {
        switch self {
        case .call(let id): "call \(id)"
        case .room(let id): "room \(id)"
        }
    }
}

/// `POST /calls/{id}/play` and `/rooms/{room}/play`.
public struct PlayRequest: Codable, Sendable, Equatable {
    /// A sound's name in the sounds folder ("hold-music", "welcome") or a path below it.
    public var sound: String
    /// Repeat until stopped.
    public var loop: Bool?

    public init(sound: String, loop: Bool? = nil) {
        self.sound = sound
        self.loop = loop
    }

    public func validated() throws(ControlError) -> PlayRequest {
        // Sounds are looked up below the sounds folder: no absolute paths, no climbing out.
        guard !sound.isEmpty, !sound.hasPrefix("/"), !sound.split(separator: "/").contains(".."),
              !sound.contains(where: \.isNewline) else {
            throw .badRequest("\"sound\" must be a name or relative path inside the sounds folder")
        }
        return self
    }
}

/// A recording in progress or just stopped.
public struct RecordingInfo: Codable, Sendable, Equatable {
    /// Where the audio is written (a WAV file).
    public var path: String
    public var active: Bool
    public var startedAt: Date?

    public init(path: String, active: Bool, startedAt: Date? = nil) {
        self.path = path
        self.active = active
        self.startedAt = startedAt
    }
}
