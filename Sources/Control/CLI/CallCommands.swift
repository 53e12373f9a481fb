import ArgumentParser
import Foundation

/// `control calls`: the live calls.
public struct CallsCommand: ControlCommand {
    public static let configuration = CommandConfiguration(commandName: "calls", abstract: "List live calls.")
    @OptionGroup public var options: ClientOptions
    public init() {}

    public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
        let calls = try await client.get([LiveCall].self, "/calls")
        if options.json { return try prettyJSON(calls) }
        var table = TextTable(["ID", "STATE", "DIR", "FROM", "TO", "CODEC", "SRTP", "STARTED", "CONVERSATION"])
        for call in calls {
            let codecs = Set(call.legs.compactMap(\.codec)).sorted().joined(separator: ",")
            let srtp = call.legs.isEmpty ? "-" : (call.legs.allSatisfy(\.srtp) ? "yes" : "no")
            table.add([call.id.rawValue, call.state.rawValue, call.direction.rawValue, call.from, call.to,
                       codecs.isEmpty ? "-" : codecs, srtp, TextTable.time(call.startedAt), call.conversationID ?? "-"])
        }
        return table.render()
    }
}

/// `control call ...`: act on one call.
public struct CallCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "call", abstract: "Originate, show, hang up, hold, resume or transfer a call.",
        subcommands: [Originate.self, Show.self, HangUp.self, Hold.self, Resume.self, Transfer.self, DTMF.self])
    public init() {}

    public struct Originate: ControlCommand {
        public static let configuration = CommandConfiguration(abstract: "Place a call.")
        @OptionGroup public var options: ClientOptions
        @Option(help: "Who to call: an extension, a number or a SIP URI.") public var to: String
        @Option(help: "What to connect the answered call to: an extension, room:NAME or agent:NAME.")
        public var connect: String?
        @Option(name: .customLong("caller-id"), help: "Caller ID to present.") public var callerID: String?
        @Option(help: "Seconds to ring before giving up.") public var timeout: Int?
        public init() {}

        public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
            let request = OriginateRequest(to: to, connectTo: connect, callerID: callerID, timeoutSeconds: timeout)
            let result = try await client.post(OriginateResult.self, "/calls", body: request)
            return options.json ? try prettyJSON(result) : result.callID.rawValue + "\n"
        }
    }

    public struct Show: ControlCommand {
        public static let configuration = CommandConfiguration(abstract: "Show a call and its legs.")
        @OptionGroup public var options: ClientOptions
        @Argument(help: "The call id.") public var id: String
        public init() {}

        public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
            let call = try await client.get(LiveCall.self, "/calls/\(ControlClient.segment(id))")
            if options.json { return try prettyJSON(call) }
            var text = "\(call.id)  \(call.state.rawValue)  \(call.from) -> \(call.to)"
            text += "  started \(TextTable.time(call.startedAt))"
            if let answered = call.answeredAt { text += ", answered \(TextTable.time(answered))" }
            if let conversation = call.conversationID { text += "  conversation \(conversation)" }
            text += "\n"
            var legs = TextTable(["LEG", "STATE", "REMOTE", "CODEC", "SRTP", "LOSS%", "JITTER", "MOS"])
            for leg in call.legs {
                legs.add([leg.id.rawValue, leg.state.rawValue, leg.remoteURI, leg.codec ?? "-", leg.srtp ? "yes" : "no",
                          leg.quality.map { String(format: "%.1f", $0.lossPercent) } ?? "-",
                          leg.quality.map { String(format: "%.1f ms", $0.jitterMilliseconds) } ?? "-",
                          leg.quality?.mos.map { String(format: "%.2f", $0) } ?? "-"])
            }
            return text + legs.render()
        }
    }

    public struct HangUp: ControlCommand {
        public static let configuration = CommandConfiguration(commandName: "hangup", abstract: "Hang up a call.")
        @OptionGroup public var options: ClientOptions
        @Argument(help: "The call id.") public var id: String
        @Option(help: "SIP status for a call still ringing (486, 603...).") public var status: Int?
        @Option(help: "Reason, for the call record.") public var reason: String?
        public init() {}

        public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
            try await client.post("/calls/\(ControlClient.segment(id))/hangup",
                                  body: HangUpRequest(status: status, reason: reason))
            return "hung up \(id)\n"
        }
    }

    public struct Hold: ControlCommand {
        public static let configuration = CommandConfiguration(abstract: "Put a call (or one leg) on hold.")
        @OptionGroup public var options: ClientOptions
        @Argument(help: "The call id.") public var id: String
        @Option(help: "Only this leg.") public var leg: String?
        public init() {}

        public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
            try await client.post("/calls/\(ControlClient.segment(id))/hold", body: LegSelector(leg: leg.map(LegID.init)))
            return "held \(id)\n"
        }
    }

    public struct Resume: ControlCommand {
        public static let configuration = CommandConfiguration(abstract: "Take a call (or one leg) off hold.")
        @OptionGroup public var options: ClientOptions
        @Argument(help: "The call id.") public var id: String
        @Option(help: "Only this leg.") public var leg: String?
        public init() {}

        public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
            try await client.post("/calls/\(ControlClient.segment(id))/resume",
                                  body: LegSelector(leg: leg.map(LegID.init)))
            return "resumed \(id)\n"
        }
    }

    public struct Transfer: ControlCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Transfer a call: blind (--to TARGET) or attended (--attended-with CALL).")
        @OptionGroup public var options: ClientOptions
        @Argument(help: "The call id.") public var id: String
        @Option(help: "Blind transfer target.") public var to: String?
        @Option(name: .customLong("attended-with"), help: "The consultation call to join with.")
        public var attendedWith: String?
        public init() {}

        public func validate() throws {
            guard (to == nil) != (attendedWith == nil) else {
                throw ValidationError("give exactly one of --to and --attended-with")
            }
        }

        public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
            let request: TransferRequest
            if let to {
                request = .blind(target: to)
            } else if let attendedWith {
                request = .attended(withCall: CallID(attendedWith))
            } else {
                throw .usage("give exactly one of --to and --attended-with")
            }
            try await client.post("/calls/\(ControlClient.segment(id))/transfer", body: request)
            return "transferring \(id)\n"
        }
    }

    public struct DTMF: ControlCommand {
        public static let configuration = CommandConfiguration(commandName: "dtmf", abstract: "Send DTMF digits.")
        @OptionGroup public var options: ClientOptions
        @Argument(help: "The call id.") public var id: String
        @Argument(help: "Digits: 0-9 * # A-D.") public var digits: String
        @Option(help: "Milliseconds per digit.") public var duration: Int?
        @Option(help: "auto (RFC 4733 when negotiated, else in-band), rfc4733, inband or info.") public var method: String?
        public init() {}

        public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
            try await client.post("/calls/\(ControlClient.segment(id))/dtmf",
                                  body: DTMFRequest(digits: digits, durationMilliseconds: duration, method: method))
            return "sent \(digits) to \(id)\n"
        }
    }
}

/// `control rooms`.
public struct RoomsCommand: ControlCommand {
    public static let configuration = CommandConfiguration(commandName: "rooms", abstract: "List rooms and members.")
    @OptionGroup public var options: ClientOptions
    public init() {}

    public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
        let rooms = try await client.get([RoomInfo].self, "/rooms")
        if options.json { return try prettyJSON(rooms) }
        var table = TextTable(["ROOM", "KIND", "RATE", "MEMBER", "NAME", "FLAGS"])
        for room in rooms {
            if room.members.isEmpty { table.add([room.id.rawValue, room.kind.rawValue, "\(room.sampleRate)", "-", "-", ""]) }
            for member in room.members {
                var flags: [String] = []
                if member.muted { flags.append("muted") }
                if member.deaf { flags.append("deaf") }
                if member.volume != 0 { flags.append("volume \(member.volume)") }
                table.add([room.id.rawValue, room.kind.rawValue, "\(room.sampleRate)", member.id.rawValue,
                           member.displayName, flags.joined(separator: ",")])
            }
        }
        return table.render()
    }
}

/// `control registrations`.
public struct RegistrationsCommand: ControlCommand {
    public static let configuration = CommandConfiguration(commandName: "registrations",
                                                           abstract: "List registered phones.")
    @OptionGroup public var options: ClientOptions
    public init() {}

    public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
        let registrations = try await client.get([RegistrationInfo].self, "/registrations")
        if options.json { return try prettyJSON(registrations) }
        var table = TextTable(["USER", "CONTACT", "SOURCE", "TRANSPORT", "EXPIRES"])
        for registration in registrations {
            for contact in registration.contacts {
                table.add([registration.user, contact.uri, contact.source, contact.transport,
                           TextTable.time(contact.expiresAt)])
            }
        }
        return table.render()
    }
}

/// `control trunks`.
public struct TrunksCommand: ControlCommand {
    public static let configuration = CommandConfiguration(commandName: "trunks", abstract: "List trunks.")
    @OptionGroup public var options: ClientOptions
    public init() {}

    public func execute(with client: ControlClient) async throws(ControlClientError) -> String {
        let trunks = try await client.get([TrunkInfo].self, "/trunks")
        if options.json { return try prettyJSON(trunks) }
        var table = TextTable(["TRUNK", "STATE", "REGISTRAR", "EXPIRES", "CALLS", "LAST ERROR"])
        for trunk in trunks {
            table.add([trunk.name, trunk.state.rawValue, trunk.registrar ?? "-", TextTable.time(trunk.expiresAt),
                       "\(trunk.activeCalls)", trunk.lastError ?? ""])
        }
        return table.render()
    }
}
