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
    /// Calls `to` (a user's extension, ringing each registered phone, or a `sip:` URI) and, once
    /// it answers, connects it to `connectTo`: a dialplan number (echo, playback, a conference,
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
        // Where to ring: every phone of a user, or one URI.
        var destinations: [(uri: String, proxy: String?, endpoint: EndpointMedia)] = []
        var rung: DirectoryUser?
        var timeout = ringSeconds ?? ParleyConfiguration.defaultRingTimeoutSeconds
        let toHeader: String
        if to.lowercased().hasPrefix("sip:") {
            guard Self.isPlainURI(to) else { return .failure(.invalid("'\(to)' is not a usable SIP URI")) }
            destinations = [(to, nil, EndpointMedia())]
            toHeader = "<\(to)>"
            rung = Self.userPart(of: to).map { DirectoryUser(username: $0, secret: .password(""), callerIDName: nil) }
        } else {
            guard case .user(let callee, let userTimeout) = configuration.route(for: to), let pbx,
                  let user = pbx.directory.user(callee) else {
                return .failure(configuration.route(for: to) == nil
                    ? .unknownTarget(to) : .notSupported("originate rings users and SIP URIs; \(to) is neither"))
            }
            let contacts = pbx.location.contacts(for: callee, now: Date())
            guard !contacts.isEmpty else { return .failure(.unreachable(target: to, status: 480)) }
            destinations = contacts.map { ($0.contactURI, natProxy(for: $0), EndpointMedia(configuration.user(callee))) }
            toHeader = "<sip:\(callee)@\(realm)>"
            rung = user
            if ringSeconds == nil { timeout = userTimeout }
        }
        let ledger = CallLedger()
        ledger.originated = true
        ledger.originatedFrom = to.lowercased().hasPrefix("sip:") ? to : "sip:\(to)@\(realm)"
        ledger.originatedTo = connectTo
        let origination = Origination(id: id, target: target, connectTo: connectTo, ledger: ledger, logger: log,
                                      callerID: caller, rung: rung)
        let name = (caller.callerIDName ?? presented).replacingOccurrences(of: "\"", with: "")
        for destination in destinations {
            do {
                let stream = try media.openStream(logger: log) { [weak self] event in self?.mediaEvent(event) }
                let local = localAudio(for: stream, endpoint: destination.endpoint)
                let (offer, pending) = AudioNegotiation.offer(local: local)
                guard let handle = sip.makeHandle(to: toHeader, from: "\"\(name)\" <sip:\(presented)@\(realm)>",
                                                  proxy: destination.proxy) else {
                    stream.close()
                    continue
                }
                let sdp = offer.serialized()
                let leg = OriginationLeg(handle: handle, contact: destination.uri, stream: stream, offer: pending,
                                         offerSDP: sdp, local: local)
                origination.legs.append(leg)
                originations[handle] = origination
                sip.invite(handle, requestURI: destination.uri, sdp: sdp)
            } catch {
                log.error("cannot ring \(destination.uri): \(error)")
            }
        }
        guard !origination.legs.isEmpty else { return .failure(.unreachable(target: to, status: 503)) }
        log.info("originating", metadata: ["to": "\(to)", "connect-to": "\(connectTo)", "forks": "\(origination.legs.count)"])
        emit(.callIncoming(from: ledger.originatedFrom ?? to, to: connectTo, trunk: nil, direction: .outbound),
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
        call.audio = audio
        call.lastLocalSDP = leg.offerSDP
        call.phase = .confirmed
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
            let error = beginTransfer(call, to: origination.connectTo) { [weak self, weak call] status in
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
            direction: .outbound, trunk: nil, startedAt: origination.ledger.startedAt, answeredAt: nil, endedAt: Date(),
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
