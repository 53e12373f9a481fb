import Foundation
import Logging
import Media
import RTP
import Registrar
import Trunks
import ParleyConfig
import SIP
import Synchronization

/// The Switch module's entry point: call legs, the dialplan and the extensions they reach.
///
/// It owns the decision for every SIP event (it is the SIP stack's delegate and runs on the SIP
/// thread) and drives the media plane through ``MediaStream`` handles. It must not do blocking
/// work on the SIP thread, and it owns no sockets itself.
public final class Switch: SIPStackDelegate, @unchecked Sendable {
    public let configuration: ParleyConfiguration
    let logger: Logger
    let sip: SIPStack
    let media: MediaEngine
    let sounds = SoundLibrary()

    // SIP thread only.
    var calls: [SIPHandle: Call] = [:]
    var callsByStream: [UInt64: SIPHandle] = [:]
    /// Outgoing forks of user calls, by their own handle.
    var outbound: [SIPHandle: OutboundLeg] = [:]
    /// Users, digest auth and registrations; nil when no users are configured.
    let pbx: PBX?
    /// AI agents (nil: `agent` extensions answer 503).
    let agents: AgentServices?
    /// Configured trunks and their registration handles.
    let trunks: [TrunkLink]
    var trunkByHandle: [SIPHandle: TrunkLink] = [:]
    /// Open conferences by room name.
    var conferences: [String: Conference] = [:]
    /// Calls waiting in parking slots, by slot (Switch+Park.swift).
    var parkingLot: [String: ParkedCall] = [:]
    /// Calls Parley is placing (``originate(to:connectTo:callerID:ringSeconds:)``), by the handle
    /// of each leg still ringing.
    var originations: [SIPHandle: Origination] = [:]
    var shuttingDown = false

    /// Told about calls, DTMF, hold, transfers, registrations and the agent (``SwitchEvent``).
    /// Set it before ``start()``. It is called on the SIP thread and on media threads: hand the
    /// event over and return.
    public var onEvent: (@Sendable (SwitchEvent) -> Void)?

    /// The latest status of every registering trunk, readable from any thread.
    let trunkStatuses = Mutex<[String: TrunkStatus]>([:])

    private let liveCalls = Atomic<Int>(0)
    private let totalCalls = Atomic<Int>(0)

    /// Configured users turn on the PBX edge (REGISTER, digest-authenticated calls between users).
    public init(configuration: ParleyConfiguration, logger: Logger, agents: AgentServices? = nil) throws {
        self.configuration = configuration
        self.logger = logger
        self.agents = agents
        trunks = configuration.trunks.map(TrunkLink.init)
        if configuration.users.isEmpty {
            pbx = nil
        } else {
            let security = configuration.security
            pbx = try PBX(directory: try Self.directory(configuration.users), realm: configuration.sip.realm,
                          algorithms: security.digestAlgorithms.compactMap { DigestAlgorithm(token: $0) },
                          databasePath: configuration.dataDirectory.appendingPathComponent("registrations.sqlite").path,
                          limiter: .init(threshold: security.authFailuresBeforeBlock,
                                         window: TimeInterval(security.authFailureWindowSeconds),
                                         blockDuration: TimeInterval(security.blockSeconds)),
                          isTrusted: { security.isTrusted($0) }, logger: logger)
        }
        var sipConfig = SIPStack.Configuration(host: configuration.sip.listen, port: configuration.sip.port,
                                               userAgent: configuration.sip.userAgent)
        sipConfig.sofiaLogLevel = configuration.sip.stackLogLevel
        sip = SIPStack(configuration: sipConfig, logger: logger)
        let rtp = configuration.rtp
        media = try MediaEngine(
            configuration: .init(address: rtp.address, portRange: rtp.portMin...rtp.portMax, threads: rtp.threads,
                                 jitterBufferFrames: rtp.jitterBufferFrames, realtime: rtp.realtime,
                                 mediaTimeoutSeconds: rtp.mediaTimeoutSeconds),
            logger: logger)
        sip.delegate = self
    }

    /// Registrar's view of the configured users.
    static func directory(_ users: [ParleyConfiguration.User]) throws -> UserDirectory {
        try UserDirectory(users.map { user in
            let secret: DirectoryUser.Secret
            switch user.secret {
            case .password(let password): secret = .password(password)
            case .ha1(let md5): secret = .ha1(md5: md5, sha256: nil)
            }
            return DirectoryUser(username: user.number, secret: secret, callerIDName: user.callerIDName, maxContacts: user.maxContacts)
        })
    }

    /// Starts media threads and binds SIP (UDP and TCP).
    public func start() throws {
        // Recordings cut short by a crash get correct WAV headers before anything else runs.
        for path in WAVRecorder.repairAll(in: configuration.dataDirectory.appendingPathComponent("recordings").path) {
            logger.warning("repaired a recording left open by a crash", metadata: ["path": "\(path)"])
        }
        media.start()
        do {
            try sip.start()
        } catch {
            media.stop()
            throw error
        }
        sip.perform { [self] in
            startTrunks()
            schedulePurge()
        }
    }

    /// Calls in progress.
    public var activeCalls: Int { liveCalls.load(ordering: .relaxed) }
    /// Each registering trunk's registration status (state, registrar in use, last answer, next
    /// attempt), by trunk name. Safe from any thread.
    public var trunkStatus: [String: TrunkStatus] { trunkStatuses.withLock { $0 } }

    /// Calls accepted since start.
    public var callsHandled: Int { totalCalls.load(ordering: .relaxed) }

    /// Ends every call (BYE to answered ones, 503 to ringing ones), waits for them up to `timeout`,
    /// then stops SIP and media. Call from any thread except the SIP thread.
    public func shutdown(timeout: Duration = .seconds(3)) {
        sip.perform { [self] in
            shuttingDown = true
            // Nobody waits forever for a hold or resume that will not be answered now.
            for call in calls.values { abortReinvite(call.control) }
            for leg in outbound.values { abortReinvite(leg.control) }
            for call in calls.values { hangUp(call, reason: "shutdown") }
            stopTrunks()
        }
        let deadline = ContinuousClock.now + timeout
        while activeCalls > 0, ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        if activeCalls > 0 { logger.warning("shutting down with calls still open", metadata: ["calls": "\(activeCalls)"]) }
        sip.shutdown(timeout: .seconds(3))
        media.stop()
        pbx?.shutdown()
    }

    // MARK: SIPStackDelegate

    public func sipStack(_ stack: SIPStack, didReceive event: SIPEvent) {
        guard let handle = event.handle else {
            if event.kind == .error { logger.warning("SIP stack error", metadata: ["status": "\(event.status)", "phrase": "\(event.phrase)"]) }
            return
        }
        if let call = calls[handle] {
            handleDialogEvent(event, call: call)
            return
        }
        if let leg = outbound[handle] {
            handleOutboundEvent(event, leg: leg)
            return
        }
        if let link = trunkByHandle[handle] {
            handleTrunkEvent(event, link: link)
            return
        }
        if let origination = originations[handle] {
            handleOriginationEvent(event, handle: handle, origination: origination)
            return
        }
        switch event.kind {
        case .invite where event.message?.header("Replaces") != nil:
            handleReplacingInvite(event, handle: handle)
        case .invite:
            handleNewInvite(event, handle: handle)
        case .register:
            handleRegister(event, handle: handle)
        case .state(.terminated):
            sip.destroy(handle)
        case .state, .ack, .cancel, .byeResponse, .inviteResponse:
            break
        default:
            // Out-of-dialog requests nua answered itself (OPTIONS, MESSAGE, ...): free their handles.
            logger.debug("out-of-dialog request", metadata: ["event": "\(event.name)", "status": "\(event.status)"])
            sip.destroy(handle)
        }
    }

    /// Removes expired registrations from the location service (and its database) every minute.
    func schedulePurge() {
        guard let pbx else { return }
        _ = sip.schedule(after: 60_000) { [weak self] in
            guard let self, !self.shuttingDown else { return }
            let gone = pbx.location.purgeExpired(now: Date())
            if !gone.isEmpty { self.logger.info("expired registrations removed", metadata: ["count": "\(gone.count)"]) }
            self.reportExpired(gone)
            self.schedulePurge()
        }
    }

    // MARK: bookkeeping

    func register(_ call: Call) {
        calls[call.handle] = call
        callsByStream[call.stream.id] = call.handle
        liveCalls.add(1, ordering: .relaxed)
        totalCalls.add(1, ordering: .relaxed)
        reportCallStarted(call)
    }

    /// Releases a call's media and handle once its dialog is over (idempotent).
    func finish(_ call: Call) {
        guard call.phase != .ended else { return }
        call.phase = .ended
        releaseLegs(of: call)
        if let timer = call.answerTimer { sip.cancelTimer(timer) }
        abandonReferTransfer(call)
        let elapsed = ContinuousClock.now - call.startedAt
        let logger = call.logger
        let reason = call.endReason
        let answered = call.answeredAt != nil
        let reportEnd = callEnding(call)
        call.stream.close { stats in
            reportEnd(stats)
            logger.info("call ended", metadata: [
                "reason": "\(reason)", "answered": "\(answered)",
                "seconds": "\(String(format: "%.2f", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))",
                "rtp-in": "\(stats.packetsReceived)", "rtp-out": "\(stats.packetsSent)",
                "jb-lost": "\(stats.jitter.lost)", "dtmf-digits": "\(stats.digits)", "srtp-failures": "\(stats.srtpFailures)", "srtcp-failures": "\(stats.srtcpFailures)",
                "rtcp-in": "\(stats.rtcpReceived)", "rtt-ms": "\(stats.roundTripMilliseconds.map { String(format: "%.1f", $0) } ?? "-")",
            ])
        }
        stopAgent(call)
        call.room?.close()
        leaveConference(call)
        calls.removeValue(forKey: call.handle)
        callsByStream.removeValue(forKey: call.stream.id)
        sip.destroy(call.handle)
        liveCalls.subtract(1, ordering: .relaxed)
    }

    /// Media-thread events, carried over to the SIP thread.
    func mediaEvent(_ event: MediaEvent) {
        sip.perform { [self] in
            switch event {
            case .playbackFinished(let streamID):
                guard let call = call(forStream: streamID) else { return }
                if case .playback(_, _, true) = call.service?.action { hangUp(call, reason: "playback finished") }
            case .dtmf(let streamID, let digit):
                guard let call = call(forStream: streamID) else { return }
                digitReceived(digit, call: call)
            case .mediaTimeout(let streamID):
                guard let call = call(forStream: streamID) else { return }
                call.logger.warning("no RTP received; hanging up", metadata: ["timeout-s": "\(configuration.rtp.mediaTimeoutSeconds)"])
                hangUp(call, reason: "media timeout")
            }
        }
    }

    func call(forStream id: UInt64) -> Call? {
        callsByStream[id].flatMap { calls[$0] }
    }

    /// One key press, whichever way it came (RFC 4733, in-band, SIP INFO).
    func digitReceived(_ digit: DTMFDigit, call: Call) {
        call.digits.append(digit.digit)
        call.logger.info("dtmf", metadata: ["digit": "\(digit.digit)", "duration-ms": "\(digit.durationMs)", "via": "\(digit.source)"])
        // An agent that keeps digits private (PINs, card numbers) keeps them out of the events too.
        emit(.dtmf(digit: call.agent?.participant.definition.digitsPrivate == true ? "•" : digit.digit), call: call)
        _ = conferenceDigit(digit.digit, call: call)
        agentDigit(digit.digit, call: call)
    }
}
