import Foundation
import Logging
import Media
import ParleyConfig
import Registrar
import SDP
import SIP

/// A call Parley places for the control plane while it rings: one INVITE per registered contact
/// of the user (or one to a SIP URI). The first to answer becomes an ordinary ``Call`` (its
/// "caller" leg is the party Parley rang) connected to the target. SIP thread only.
final class Origination {
    let id: String
    /// What answers the call once it is up, and the text it was named by.
    let target: CallTarget
    let connectTo: String
    let ledger: CallLedger
    let logger: Logger
    var legs: [OriginationLeg] = []
    var timer: UInt64?
    var bestFailure = 480
    /// Over: answered (it became a call), failed, timed out or cancelled.
    var ended = false
    /// Who the rung party sees as caller, and who the target sees (the rung party).
    let callerID: DirectoryUser?
    let rung: DirectoryUser?

    init(id: String, target: CallTarget, connectTo: String, ledger: CallLedger, logger: Logger,
         callerID: DirectoryUser?, rung: DirectoryUser?) {
        self.id = id
        self.target = target
        self.connectTo = connectTo
        self.ledger = ledger
        self.logger = logger
        self.callerID = callerID
        self.rung = rung
    }

    var targetKind: String {
        switch target {
        case .service(let ext):
            if case .echo = ext.action { return "echo" }
            return "playback"
        case .user: return "user"
        case .trunk: return "trunk"
        case .conference: return "conference"
        case .agent: return "agent"
        case .pickup: return "pickup"
        }
    }
}

/// One INVITE of an ``Origination``.
final class OriginationLeg {
    let handle: SIPHandle
    let contact: String
    let stream: MediaStream
    let offer: PendingOffer
    let offerSDP: String
    let local: LocalAudio
    var ended = false
    /// A trunk's account, for the provider's 401/407 (answered once).
    var credentials: (user: String, password: String, realm: String?)?
    var authTried = false

    init(handle: SIPHandle, contact: String, stream: MediaStream, offer: PendingOffer, offerSDP: String, local: LocalAudio) {
        self.handle = handle
        self.contact = contact
        self.stream = stream
        self.offer = offer
        self.offerSDP = offerSDP
        self.local = local
    }
}

extension Switch {
    /// Calls `to` (a user's extension, ringing each registered phone, a number the dialplan sends
    /// out on a trunk, or a `sip:` URI) and, once it answers, connects it to `connectTo`: a dialplan number (echo, playback, a conference,
    /// an agent, another user or a trunk number), `room:NAME` (a conference, joined without its
    /// PIN) or `agent:NAME`. Returns the call's id as soon as the INVITEs are out; the call then
    /// shows in ``calls()`` and its progress in ``onEvent``. `ringSeconds` defaults to the
    /// user's ring timeout (30 s).
    public func originate(to: String, connectTo: String, callerID: String? = nil,
                          ringSeconds: Int? = nil) async throws(CallControlError) -> String {
        try await onSIPThread { [self] () -> Result<String, CallControlError> in
            startOrigination(to: to, connectTo: connectTo, callerID: callerID, ringSeconds: ringSeconds)
        }.get()
    }

    private func startOrigination(to: String, connectTo: String, callerID: String?,
                                  ringSeconds: Int?) -> Result<String, CallControlError> {
        guard !shuttingDown else { return .failure(.shuttingDown) }
        let target: CallTarget
        switch connectTarget(connectTo) {
        case .success(let resolved): target = resolved
        case .failure(let error): return .failure(error)
        }
        let id = "parley-\(UUID().uuidString.lowercased())"
        var log = logger
        log[metadataKey: "call-id"] = "\(id)"
        let realm = pbx?.realm ?? configuration.sip.domain
        let presented = callerID.flatMap { $0.isEmpty ? nil : $0 } ?? "parley"
        let caller = DirectoryUser(username: presented, secret: .password(""), callerIDName: callerID == nil ? "Parley" : nil)
        // Where to ring: every phone of a user, a number on a trunk, or one URI.
        var destinations: [OriginationDestination] = []
        var rung: DirectoryUser?
        var timeout = ringSeconds ?? ParleyConfiguration.defaultRingTimeoutSeconds
        var trunkName: String?
        let name = (caller.callerIDName ?? presented).replacingOccurrences(of: "\"", with: "")
        let from = "\"\(name)\" <sip:\(presented)@\(realm)>"
        if to.lowercased().hasPrefix("sip:") {
            guard Self.isPlainURI(to) else { return .failure(.invalid("'\(to)' is not a usable SIP URI")) }
            destinations = [OriginationDestination(uri: to, toHeader: "<\(to)>", from: from)]
            rung = Self.userPart(of: to).map { DirectoryUser(username: $0, secret: .password(""), callerIDName: nil) }
        } else if case .trunk(let trunk, let number) = configuration.route(for: to) {
            guard let destination = trunkDestination(trunk: trunk, number: number, callerID: callerID, name: name) else {
                return .failure(.unreachable(target: to, status: 503))
            }
            destinations = [destination]
            trunkName = trunk
            rung = DirectoryUser(username: number, secret: .password(""), callerIDName: nil)
        } else {
            guard case .user(let callee, let userTimeout) = configuration.route(for: to), let pbx,
                  let user = pbx.directory.user(callee) else {
                return .failure(configuration.route(for: to) == nil
                    ? .unknownTarget(to) : .notSupported("originate rings users, trunk numbers and SIP URIs; \(to) is none"))
            }
            let contacts = pbx.location.contacts(for: callee, now: Date())
            guard !contacts.isEmpty else { return .failure(.unreachable(target: to, status: 480)) }
            destinations = contacts.map {
                OriginationDestination(uri: $0.contactURI, toHeader: "<sip:\(callee)@\(realm)>", from: from,
                                       proxy: natProxy(for: $0), endpoint: EndpointMedia(configuration.user(callee)))
            }
            rung = user
            if ringSeconds == nil { timeout = userTimeout }
        }
        let ledger = CallLedger()
        ledger.originated = true
        ledger.originatedFrom = to.lowercased().hasPrefix("sip:") || trunkName != nil ? destinations[0].uri : "sip:\(to)@\(realm)"
        ledger.originatedTo = connectTo
        ledger.originatedTrunk = trunkName
        let origination = Origination(id: id, target: target, connectTo: connectTo, ledger: ledger, logger: log,
                                      callerID: caller, rung: rung)
        for destination in destinations {
            do {
                let stream = try media.openStream(logger: log) { [weak self] event in self?.mediaEvent(event) }
                let local = localAudio(for: stream, endpoint: destination.endpoint)
                let (offer, pending) = AudioNegotiation.offer(local: local)
                guard let handle = sip.makeHandle(to: destination.toHeader, from: destination.from,
                                                  proxy: destination.proxy) else {
                    stream.close()
                    continue
                }
                let sdp = offer.serialized()
                let leg = OriginationLeg(handle: handle, contact: destination.uri, stream: stream, offer: pending,
                                         offerSDP: sdp, local: local)
                leg.credentials = destination.credentials
                origination.legs.append(leg)
                originations[handle] = origination
                sip.invite(handle, requestURI: destination.uri, sdp: sdp, headers: destination.headers)
            } catch {
                log.error("cannot ring \(destination.uri): \(error)")
            }
        }
        guard !origination.legs.isEmpty else { return .failure(.unreachable(target: to, status: 503)) }
        log.info("originating", metadata: ["to": "\(to)", "connect-to": "\(connectTo)", "forks": "\(origination.legs.count)"])
        emit(.callIncoming(from: ledger.originatedFrom ?? to, to: connectTo, trunk: trunkName, direction: .outbound),
             callID: id, at: ledger.startedAt)
        origination.timer = sip.schedule(after: min(max(timeout, 1), 600) * 1000) { [weak self, weak origination] in
            guard let self, let origination, !origination.ended else { return }
            origination.timer = nil
            origination.logger.info("no answer", metadata: ["after-s": "\(timeout)"])
            self.endOrigination(origination, status: 408, reason: "no answer")
        }
        return .success(id)
    }

    /// What an originated call is connected to once it answers.
    private func connectTarget(_ text: String) -> Result<CallTarget, CallControlError> {
        let lowered = text.lowercased()
        if lowered.hasPrefix("room:") {
            let name = String(text.dropFirst(5))
            guard Self.isRoomName(name) else { return .failure(.invalid("'\(name)' is not a conference room name")) }
            var settings = ParleyConfiguration.ConferenceSettings()
            if case .conference(let room, let configured) = configuration.route(for: name), room == name { settings = configured }
            return .success(.conference(room: name, settings))
        }
        if lowered.hasPrefix("agent:") {
            let name = String(text.dropFirst(6))
            guard let agents, let definition = agents.catalog.current(named: name) else { return .failure(.unknownTarget(text)) }
            return .success(.agent(name: name, number: definition.extensionNumber ?? name))
        }
        switch configuration.route(for: text) {
        case .echo, .playback:
            guard let ext = configuration.extensionFor(text) else { return .failure(.unknownTarget(text)) }
            return .success(.service(ext))
        case .user(let user, _):
            guard pbx?.directory.user(user) != nil else { return .failure(.unknownTarget(text)) }
            return .success(.user(user))
        case .trunk(let name, let number):
            return .success(.trunk(name: name, number: number))
        case .conference(let room, let settings):
            return .success(.conference(room: room, settings))
        case .agent(let name):
            guard agents?.catalog.current(named: name) != nil else { return .failure(.unknownTarget(text)) }
            return .success(.agent(name: name, number: text))
        case .reject(let code):
            return .failure(.unreachable(target: text, status: code))
        case .park:
            return .failure(.notSupported("\(text) is a parking slot; transfer a call there instead"))
        case nil:
            if let agent = agentTarget(for: text) { return .success(agent) }
            return .failure(.unknownTarget(text))
        }
    }

    /// Responses and state changes of an origination's INVITEs.
    func handleOriginationEvent(_ event: SIPEvent, handle: SIPHandle, origination: Origination) {
        guard let leg = origination.legs.first(where: { $0.handle == handle }) else { return }
        switch event.kind {
        case .inviteResponse:
            let status = event.status
            if status == 401 || status == 407, let credentials = leg.credentials, !leg.authTried, !origination.ended {
                // A trunk provider challenges our INVITE: answer with the trunk's account, once.
                leg.authTried = true
                let header = event.message?.header(status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate")
                let realm = credentials.realm ?? header.flatMap { DigestChallenge($0)?.realm } ?? ""
                sip.authenticate(leg.handle, realm: realm, user: credentials.user, password: credentials.password)
                return
            }
            switch status {
            case 100..<200:
                break
            case 200..<300:
                answered(origination, leg: leg, event: event)
            default:
                leg.ended = true
                if [486, 600, 603].contains(status) { origination.bestFailure = status == 600 ? 486 : status }
                if origination.legs.allSatisfy(\.ended), !origination.ended {
                    endOrigination(origination, status: origination.bestFailure, reason: "callee refused (\(status))")
                }
            }
        case .state(.terminated):
            originations.removeValue(forKey: handle)
            leg.ended = true
            leg.stream.close()
            sip.destroy(handle)
        default:
            break
        }
    }

    /// The first answer wins: it becomes a call and is connected; the other phones stop ringing.
    private func answered(_ origination: Origination, leg: OriginationLeg, event: SIPEvent) {
        guard !origination.ended, !leg.ended else {
            leg.ended = true
            sip.bye(leg.handle)
            return
        }
        guard let message = event.message, let answer = try? SDPBody.read(message),
              let audio = try? AudioNegotiation.accept(answer: answer, offer: leg.offer) else {
            origination.logger.warning("the answer to our INVITE is not usable; hanging up that phone")
            leg.ended = true
            sip.bye(leg.handle)
            if origination.legs.allSatisfy(\.ended) { endOrigination(origination, status: 488, reason: "unusable answer (488)") }
            return
        }
        origination.ended = true
        if let timer = origination.timer { sip.cancelTimer(timer) }
        for other in origination.legs where other !== leg && !other.ended {
            other.ended = true
            sip.cancel(other.handle)
        }
        // From now on the leg is the call's "caller" side and its events go to the call.
        originations.removeValue(forKey: leg.handle)
        let call = Call(handle: leg.handle, callID: origination.id, from: origination.ledger.originatedFrom ?? leg.contact,
                        target: origination.target, stream: leg.stream, local: leg.local, logger: origination.logger)
        call.ledger = origination.ledger
        call.caller = origination.rung
        // Whether the party accepts REFER: a trunk's provider may then be asked to transfer it
        // (Switch+ReferTransfer.swift; the trunk is the ledger's originatedTrunk).
        call.remoteAllow = message.headers(named: "Allow")
        call.audio = audio
        call.lastLocalSDP = leg.offerSDP
        call.phase = .confirmed
        call.dialledByParley = true
        call.answeredAt = .now
        leg.stream.configure(audio)
        register(call)
        call.logger.info("originated call answered", metadata: ["contact": "\(leg.contact)", "codec": "\(audio.codecName)"])
        connectOriginated(call, origination)
        reportCallAnswered(call)
    }

    /// Puts the answered party where the origination said.
    private func connectOriginated(_ call: Call, _ origination: Origination) {
        switch call.target {
        case .service, .agent, .pickup:
            startSource(for: call)
        case .conference(let name, let settings):
            if enterConference(call, name: name, settings: settings, moderator: false) == nil {
                hangUp(call, reason: "conference full")
            }
        case .user, .trunk:
            // The answered party hears ringback while the target rings.
            call.stream.play(.sound(ToneClips.ringback(sampleRate: call.sampleRate), loop: true))
            // Connecting is not a transfer: Parley bridges the two, never REFERs the provider here.
            let error = beginTransfer(call, to: origination.connectTo, byRefer: false) { [weak self, weak call] status in
                guard let self, let call, let status else { return }
                self.hangUp(call, reason: "connect target refused (\(status))")
            }
            if let error {
                call.logger.info("cannot connect the originated call", metadata: ["reason": "\(error)"])
                hangUp(call, reason: "connect target unavailable")
            }
        }
    }

    /// The origination is over without an answer: ringing phones get CANCEL, the end is reported.
    func endOrigination(_ origination: Origination, status: Int, reason: String) {
        guard !origination.ended else { return }
        origination.ended = true
        if let timer = origination.timer { sip.cancelTimer(timer) }
        for leg in origination.legs where !leg.ended {
            leg.ended = true
            sip.cancel(leg.handle)
        }
        origination.logger.info("origination ended", metadata: ["reason": "\(reason)", "status": "\(status)"])
        guard !origination.ledger.reported, let onEvent else { return }
        origination.ledger.reported = true
        let disposition: CallEndReport.Disposition = reason == "cancelled through the API"
            ? .cancelled : .unanswered(status: status)
        let report = CallEndReport(
            callID: origination.id, from: origination.ledger.originatedFrom ?? "", to: origination.connectTo,
            direction: .outbound, trunk: origination.ledger.originatedTrunk, startedAt: origination.ledger.startedAt, answeredAt: nil, endedAt: Date(),
            disposition: disposition, cause: reason, codecs: [], quality: nil, conversationID: nil, recordingPath: nil)
        onEvent(SwitchEvent(time: report.endedAt, callID: origination.id, kind: .callEnded(report)))
    }

    static func isPlainURI(_ uri: String) -> Bool {
        uri.count <= 256 && !uri.contains(where: { $0.isWhitespace || "<>\"".contains($0) }) && uri.contains("@")
    }

    static func isRoomName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
}

/// One INVITE an origination sends: where, with which To and From, and what to answer a
/// challenge with.
struct OriginationDestination {
    var uri: String
    var toHeader: String
    var from: String
    var proxy: String? = nil
    var endpoint = Switch.EndpointMedia()
    var headers: [String] = []
    var credentials: (user: String, password: String, realm: String?)? = nil
}

extension Switch {
    /// The INVITE that rings `number` through trunk `trunk`, as a user's call out would go
    /// (``trunkLeg(_:trunkName:number:caller:room:)``): From is the trunk's account (providers
    /// check it), the number to present is in P-Asserted-Identity (RFC 3325): the API's caller ID,
    /// else the trunk's `caller_id`, else the account. Nil when the trunk is unknown or has no
    /// server address.
    func trunkDestination(trunk: String, number: String, callerID: String?, name: String) -> OriginationDestination? {
        guard let link = trunks.first(where: { $0.trunk.name == trunk }), let host = link.host else { return nil }
        let account = link.trunk.authUsername ?? link.trunk.username ?? "anonymous"
        let presented = callerID.flatMap { $0.isEmpty ? nil : $0 } ?? link.trunk.callerID ?? account
        let uri = "sip:\(number)@\(host)"
        var destination = OriginationDestination(
            uri: uri, toHeader: "<\(uri)>", from: "\"\(name)\" <sip:\(account)@\(host)>",
            endpoint: EndpointMedia(link.trunk),
            headers: ["P-Asserted-Identity: \"\(name)\" <sip:\(presented)@\(host)>"])
        destination.credentials = link.trunk.password.map {
            (user: link.trunk.authUsername ?? link.trunk.username ?? "", password: $0, realm: link.trunk.realm)
        }
        return destination
    }
}
