import Agent
import Foundation
import Logging
import Media
import ParleyConfig
import Registrar
import SIP
import Speech
import Workflow

/// The AI agent on a call: the `agent` dialplan action answers the call into a room of two, the
/// caller and an ``AgentParticipant``, and starts the agent's conversation workflow. The
/// conversation's tool calls act on this same call here, on the SIP thread: a blind transfer
/// rings the target while the caller hears ringback and joins them on answer (the agent leaves);
/// an attended one also speaks an announcement to the target first; a failed transfer gives the
/// caller back to the agent. Hold puts music in the agent's place; hang-up sends BYE.
final class AgentLink: @unchecked Sendable {
    let name: String
    let conversation: WorkflowID
    let participant: AgentParticipant
    /// The agent's member id in ``room``.
    var member: UInt64
    var room: Room
    var session: AgentSession?
    var transfer: AgentTransfer?
    var onHold = false
    /// The agent left the call (transferred away): its audio is out of the room.
    var left = false

    init(name: String, conversation: WorkflowID, participant: AgentParticipant, member: UInt64, room: Room) {
        self.name = name
        self.conversation = conversation
        self.participant = participant
        self.member = member
        self.room = room
    }
}

/// A transfer the agent asked for, ringing. SIP thread only (hence unchecked Sendable: it only
/// travels through closures that run back on the SIP thread).
final class AgentTransfer: @unchecked Sendable {
    let target: String
    let mode: TransferMode
    var legs: [OutboundLeg] = []
    var timer: UInt64?
    var bestFailure = 480
    let done: (AgentCallError?) -> Void

    init(target: String, mode: TransferMode, done: @escaping (AgentCallError?) -> Void) {
        self.target = target
        self.mode = mode
        self.done = done
    }
}

extension Switch {
    static let agentTransferRingSeconds = 30

    /// The agent that answers `number`, if the dialplan or an agent definition's `extension` says so.
    func agentTarget(for number: String) -> CallTarget? {
        if case .agent(let name) = configuration.route(for: number) { return .agent(name: name, number: number) }
        if configuration.route(for: number) == nil, let agents, let definition = agents.catalog.current(forExtension: number) {
            return .agent(name: definition.name, number: number)
        }
        return nil
    }

    /// Puts the agent in the answered call: a 16 kHz room with the caller and the participant,
    /// then the conversation (its greeting plays as soon as it is synthesized).
    func startAgent(_ call: Call) {
        guard case .agent(let name, let number) = call.target else { return }
        startAgent(call, name: name, number: number)
    }

    /// Puts agent `name` (dialled as `number`) in the answered call, whatever the call was for
    /// (its own target, or a blind transfer to the agent).
    func startAgent(_ call: Call, name: String, number: String) {
        guard call.agent == nil else { return }
        guard let agents, let definition = agents.catalog.current(named: name) else {
            call.logger.error("no agent definition loaded for this call", metadata: ["agent": "\(name)"])
            hangUp(call, reason: "agent unavailable")
            return
        }
        let conversation = WorkflowID("\(name)-\(Self.conversationStamp())-\(call.callID.prefix(40))")
        let caller = call.caller?.username ?? Self.userPart(of: call.from) ?? "anonymous"
        var log = call.logger
        log[metadataKey: "conversation"] = "\(conversation)"
        let participant: AgentParticipant
        do {
            participant = try AgentParticipant(definition: definition, conversation: conversation,
                                               recognizer: agents.recognizer, synthesizer: agents.synthesizer,
                                               remoteSpeech: agents.remoteSpeech,
                                               callerRate: call.sampleRate, caller: caller, callee: number, logger: log)
        } catch {
            log.error("cannot start the agent's voice: \(error)")
            hangUp(call, reason: "agent unavailable")
            return
        }
        let room = call.room ?? media.openRoom(sampleRate: AgentVoiceChannel.sampleRate) { [weak self] event in self?.roomEvent(event) }
        call.room = room
        room.add(call.stream)
        let member = room.add(endpoint: participant)
        let link = AgentLink(name: name, conversation: conversation, participant: participant, member: member, room: room)
        call.agent = link
        observeAgent(call, participant)
        participant.startPump()
        let actions = CallAgentActions(owner: self, call: call, participant: participant)
        log.info("agent answering", metadata: ["agent": "\(name)", "version": "\(definition.version.prefix(12))", "caller": "\(caller)"])
        let runtime = agents.runtime
        let handle = call.handle
        Task { [weak self] in
            do {
                let session = try await runtime.start(conversation, definition: definition, caller: caller, callee: number, actions: actions)
                participant.attach(session)
                self?.sip.perform { [weak self] in
                    guard let self else { return }
                    if let call = self.calls[handle], call.agent === link, call.phase != .ended {
                        link.session = session
                    } else {
                        // The caller left while the conversation was starting.
                        Task { await Self.endConversation(session, runtime: runtime) }
                    }
                }
            } catch {
                log.error("cannot start the conversation: \(error)")
                self?.sip.perform { [weak self] in
                    guard let self, let call = self.calls[handle] else { return }
                    self.hangUp(call, reason: "agent unavailable")
                }
            }
        }
    }

    /// The call is ending: silence the agent, take it out of its room, tell the conversation.
    func stopAgent(_ call: Call) {
        guard let link = call.agent else { return }
        if let transfer = link.transfer {
            link.transfer = nil
            endAgentTransferLegs(transfer)
            transfer.done(.callGone)
        }
        link.participant.stop()
        if !link.left { link.room.remove(member: link.member) }
        call.logger.info("agent left the call", metadata: [
            "utterances-heard": "\(link.participant.utterancesHeard.load(ordering: .relaxed))",
            "barge-ins": "\(link.participant.bargeIns.load(ordering: .relaxed))",
            "holding-lines": "\(link.participant.holdingLines.load(ordering: .relaxed))",
        ])
        guard let agents, let session = link.session else { return }
        link.session = nil
        let runtime = agents.runtime
        Task { await Self.endConversation(session, runtime: runtime) }
    }

    private static func endConversation(_ session: AgentSession, runtime: AgentRuntime) async {
        // Fails harmlessly when the agent itself ended the conversation (goodbye, transfer).
        try? await session.callerHungUp()
        await runtime.detach(session.id)
    }

    /// A key the caller pressed: it cuts the agent's sentence (as on any IVR) and goes to the
    /// conversation as a typed DTMF signal.
    func agentDigit(_ digit: Character, call: Call) {
        guard let link = call.agent, !link.left else { return }
        link.participant.pressed(String(digit))
    }

    // MARK: Hold

    /// Music in the agent's place for the caller, and the agent stops listening; or back.
    func agentHold(_ call: Call, on: Bool) -> AgentCallError? {
        guard let link = call.agent, !link.left else { return .callGone }
        guard link.onHold != on else { return nil }
        link.onHold = on
        link.room.setParked(call.stream.id, music: on ? holdMusic(for: link.room) : nil)
        link.room.setDeaf(link.member, on)
        call.logger.info(on ? "agent put the caller on hold" : "agent took the caller off hold")
        return nil
    }

    // MARK: Conference

    /// The caller and the agent move into conference `room` (a dialplan conference's settings
    /// when one names it, else the defaults).
    func agentJoinConference(_ call: Call, room name: String) -> AgentCallError? {
        guard let link = call.agent, !link.left else { return .callGone }
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            return .invalid("'\(name)' is not a conference room name")
        }
        var settings = ParleyConfiguration.ConferenceSettings()
        if case .conference(_, let configured) = configuration.route(for: name) { settings = configured }
        guard conferenceHasRoom(name, settings: settings) else { return .unreachable(name, status: 486) }
        let old = link.room
        old.remove(member: link.member)
        guard let conference = enterConference(call, name: name, settings: settings, moderator: false) else {
            return .unreachable(name, status: 486)
        }
        link.room = conference.room
        link.member = conference.room.add(endpoint: link.participant)
        link.participant.setInConference(true)
        if old !== conference.room, call.room === old {
            old.close()
            call.room = nil
        }
        if let session = link.session {
            Task { try? await session.conference(name) }
        }
        return nil
    }

    // MARK: Transfer

    /// Rings `target` for the caller. The agent keeps the call until someone answers; on failure
    /// the caller is back with the agent, which is told why. A blind transfer of a trunk caller
    /// may go to its provider by REFER first (`byRefer`, Switch+ReferTransfer.swift).
    func agentTransfer(_ call: Call, to target: String, mode: TransferMode, byRefer: Bool = true,
                       done: @escaping (AgentCallError?) -> Void) {
        guard let link = call.agent, !link.left else { return done(.callGone) }
        guard link.transfer == nil, call.referTransfer == nil else { return done(.transferInProgress) }
        if byRefer, case .blind = mode, agentTransferByRefer(call, to: target, done: done) { return }
        let transfer = AgentTransfer(target: target, mode: mode, done: done)
        switch transferDestination(for: target) {
        case .user(let callee, let seconds):
            guard let pbx else { return done(.unknownTarget(target)) }
            let contacts = pbx.location.contacts(for: callee, now: Date())
            guard !contacts.isEmpty else { return done(.unreachable(target, status: 480)) }
            transfer.legs = fork(call, to: callee, contacts: contacts, caller: callerIdentity(call), room: link.room)
            startRinging(call, link: link, transfer: transfer, seconds: min(seconds, Self.agentTransferRingSeconds))
        case .trunk(let name, let number):
            guard let leg = trunkLeg(call, trunkName: name, number: number, caller: callerIdentity(call), room: link.room) else {
                return done(.unreachable(target, status: 503))
            }
            transfer.legs = [leg]
            startRinging(call, link: link, transfer: transfer, seconds: Self.agentTransferRingSeconds)
        case .conference(let room, _):
            // A conference answers at once: the caller goes in, the agent leaves.
            guard let error = agentJoinConference(call, room: room) else {
                leaveAgent(call, link: link)
                return done(nil)
            }
            done(error)
        case .service:
            done(.unsupportedTarget(target, kind: "a service"))
        case .agent:
            done(.unsupportedTarget(target, kind: "an agent"))
        case .park:
            done(.unsupportedTarget(target, kind: "a parking slot"))
        case .rejected(let code):
            done(.unreachable(target, status: code))
        case .unknown:
            done(.unknownTarget(target))
        }
    }

    private func startRinging(_ call: Call, link: AgentLink, transfer: AgentTransfer, seconds: Int) {
        guard !transfer.legs.isEmpty else { return transfer.done(.unreachable(transfer.target, status: 503)) }
        link.transfer = transfer
        // The caller hears ringback while the agent, deaf, waits.
        link.room.setParked(call.stream.id, music: ToneClips.ringback(sampleRate: link.room.sampleRate))
        link.room.setDeaf(link.member, true)
        call.logger.info("agent transferring", metadata: ["target": "\(transfer.target)", "forks": "\(transfer.legs.count)",
                                                          "mode": "\(transfer.mode)"])
        transfer.timer = sip.schedule(after: seconds * 1000) { [weak self, weak call, weak transfer] in
            guard let self, let call, let transfer, call.agent?.transfer === transfer else { return }
            transfer.timer = nil
            self.failAgentTransfer(call, status: 408)
        }
    }

    /// Answers from the legs ringing the agent's transfer target.
    func handleAgentTransferResponse(_ event: SIPEvent, leg: OutboundLeg, call: Call) {
        guard let link = call.agent, let transfer = link.transfer else { return }
        if answerTrunkChallenge(event, leg: leg) { return }
        let status = event.status
        switch status {
        case 100..<200:
            break
        case 200..<300:
            guard acceptTargetAnswer(event, leg: leg, rivals: transfer.legs) else {
                transfer.legs.removeAll { $0 === leg }
                if transfer.legs.isEmpty { failAgentTransfer(call, status: 488) }
                return
            }
            if let timer = transfer.timer { sip.cancelTimer(timer) }
            transfer.timer = nil
            call.legs.append(leg)
            call.connected = leg
            if case .attended(let announce) = transfer.mode, !announce.isEmpty {
                announceTransfer(call, link: link, transfer: transfer, leg: leg, text: announce)
            } else {
                completeAgentTransfer(call, link: link, transfer: transfer, leg: leg)
            }
        default:
            leg.ended = true
            if [486, 600, 603].contains(status) { transfer.bestFailure = status }
            transfer.legs.removeAll { $0 === leg }
            if transfer.legs.isEmpty { failAgentTransfer(call, status: transfer.bestFailure) }
        }
    }

    /// Attended: the target hears the agent's announcement (the caller, muted, still hears
    /// ringback), then the two are joined.
    private func announceTransfer(_ call: Call, link: AgentLink, transfer: AgentTransfer, leg: OutboundLeg, text: String) {
        guard let agents else { return completeAgentTransfer(call, link: link, transfer: transfer, leg: leg) }
        let room = link.room
        room.setMuted(call.stream.id, true)
        room.add(leg.stream)
        call.logger.info("agent announcing the caller", metadata: ["text": "\(text)"])
        var options = AgentParticipant.synthesisOptions(for: link.participant.definition)
        options.sampleRate = room.sampleRate
        let synthesizer = agents.synthesizer
        let handle = call.handle
        let legHandle = leg.handle
        Task.detached { [weak self] in
            let speech = try? synthesizer.synthesizeAll(text, options: options)
            self?.sip.perform { [weak self] in
                guard let self, let call = self.calls[handle], call.agent?.transfer === transfer,
                      let leg = call.connected, leg.handle == legHandle, let link = call.agent else { return }
                var wait = 0
                if let speech, !speech.samples.isEmpty {
                    _ = room.play(SoundClip(samples: speech.samples, sampleRate: speech.sampleRate, name: "announce"), to: leg.stream.id)
                    wait = speech.samples.count * 1000 / max(1, speech.sampleRate)
                }
                _ = self.sip.schedule(after: wait + 300) { [weak self] in
                    guard let self, let call = self.calls[handle], call.agent?.transfer === transfer, call.connected === leg else { return }
                    room.setMuted(call.stream.id, false)
                    self.completeAgentTransfer(call, link: link, transfer: transfer, leg: leg)
                }
            }
        }
    }

    /// The target answered: it takes the agent's place next to the caller.
    private func completeAgentTransfer(_ call: Call, link: AgentLink, transfer: AgentTransfer, leg: OutboundLeg) {
        link.transfer = nil
        link.room.setParked(call.stream.id, music: nil)
        link.room.add(leg.stream)
        leaveAgent(call, link: link)
        call.logger.info("agent transfer completed", metadata: ["target": "\(transfer.target)", "contact": "\(leg.contact)"])
        transfer.done(nil)
    }

    /// The agent's audio leaves the call; the conversation learns the outcome from the tool result.
    private func leaveAgent(_ call: Call, link: AgentLink) {
        guard !link.left else { return }
        link.left = true
        link.participant.interrupt()
        link.room.remove(member: link.member)
    }

    private func failAgentTransfer(_ call: Call, status: Int) {
        guard let link = call.agent, let transfer = link.transfer else { return }
        link.transfer = nil
        if let timer = transfer.timer { sip.cancelTimer(timer) }
        endAgentTransferLegs(transfer)
        link.room.setParked(call.stream.id, music: nil)
        link.room.setDeaf(link.member, false)
        if link.onHold { link.room.setParked(call.stream.id, music: holdMusic(for: link.room)) }
        call.logger.info("agent transfer failed; the caller is back with the agent", metadata: ["target": "\(transfer.target)", "status": "\(status)"])
        transfer.done(.unreachable(transfer.target, status: status))
    }

    private func endAgentTransferLegs(_ transfer: AgentTransfer) {
        for leg in transfer.legs where !leg.ended {
            leg.ended = true
            if leg.answered { sip.bye(leg.handle) } else { sip.cancel(leg.handle) }
        }
    }

    /// Who the transferred caller is, for caller ID on the new leg.
    private func callerIdentity(_ call: Call) -> DirectoryUser? {
        if let caller = call.caller { return caller }
        guard let user = Self.userPart(of: call.from) else { return nil }
        return DirectoryUser(username: user, secret: .password(""), callerIDName: nil)
    }

    /// `1001` from `"Name" <sip:1001@host>;tag=x`.
    static func userPart(of address: String) -> String? {
        guard let colon = address.range(of: "sip:", options: .caseInsensitive)?.upperBound ?? address.range(of: "tel:")?.upperBound else { return nil }
        let rest = address[colon...]
        let user = rest.prefix { $0 != "@" && $0 != ">" && $0 != ";" }
        return user.isEmpty ? nil : String(user)
    }

    static func conversationStamp() -> String {
        String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36)
    }
}
