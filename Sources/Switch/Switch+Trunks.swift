import Foundation
import Logging
import Media
import ParleyConfig
import Registrar
import SIP
import Trunks

/// One configured trunk at run time: its registration state machine (``TrunkRegistration``: refresh,
/// backoff, Retry-After, 423, failover to the secondary registrar) and the nua handles it drives.
/// SIP thread only.
final class TrunkLink {
    let trunk: ParleyConfiguration.Trunk
    var machine: TrunkRegistration?
    /// One handle per registrar, so failing over starts a fresh registration.
    var handles: [String: SIPHandle] = [:]
    var pending: (handle: SIPHandle, id: RegisterRequestID)?
    var timers: [TrunkTimerID: UInt64] = [:]
    var authAttempts = 0
    var state: TrunkState = .unregistered

    init(trunk: ParleyConfiguration.Trunk) {
        self.trunk = trunk
    }

    var registered: Bool {
        if case .registered = state { return true }
        return false
    }

    /// "sip:host[:port]" of the primary registrar (also where outgoing calls go).
    var server: String? { trunk.registrar.map { "sip:" + hostPort($0) } }
    var secondaryServer: String? { trunk.secondaryRegistrar.map { "sip:" + hostPort($0) } }
    var host: String? { trunk.registrar.map { hostPort($0) } }

    private func hostPort(_ s: ParleyConfiguration.Trunk.Server) -> String {
        let h = s.host.contains(":") ? "[\(s.host)]" : s.host
        return s.port.map { "\(h):\($0)" } ?? h
    }

    /// Whether a request from `source` comes from this trunk: one of its registrars' addresses, or
    /// an `ip_auth` network.
    func matches(_ source: SIPAddress) -> Bool {
        if trunk.acceptsSource(source.host) { return true }
        return [trunk.registrar, trunk.secondaryRegistrar].contains { server in
            guard let server else { return false }
            return server.host == source.host && (server.port ?? 5060) == source.port
        }
    }
}

extension Switch {
    /// Starts every trunk's registration machine.
    func startTrunks() {
        for link in trunks where link.trunk.register {
            guard let primary = link.server else { continue }
            do {
                link.machine = try TrunkRegistration(configuration: .init(
                    primaryRegistrar: primary, secondaryRegistrar: link.secondaryServer, expires: link.trunk.expiresSeconds))
            } catch {
                logger.error("trunk \(link.trunk.name): \(error)")
                continue
            }
            feed(.start, to: link)
        }
    }

    /// Stops every trunk (the machine unregisters, bounded).
    func stopTrunks() {
        for link in trunks where link.machine != nil { feed(.stop, to: link) }
    }

    private func feed(_ event: TrunkEvent, to link: TrunkLink) {
        guard var machine = link.machine else { return }
        let actions = machine.handle(event, now: Date())
        link.machine = machine
        for action in actions { perform(action, for: link) }
    }

    private func perform(_ action: TrunkAction, for link: TrunkLink) {
        switch action {
        case .sendRegister(let request), .sendUnregister(let request):
            guard let handle = handle(for: request.registrar, link: link) else { return }
            link.pending = (handle, request.id)
            link.authAttempts = 0
            if case .sendUnregister = action {
                sip.unregister(handle)
            } else {
                sip.register(handle, registrar: request.registrar, contact: nil, expires: request.expires)
            }
        case .startTimer(let id, let after):
            let ms = Int(after.components.seconds * 1000) + Int(after.components.attoseconds / 1_000_000_000_000_000)
            link.timers[id] = sip.schedule(after: max(1, ms)) { [weak self, weak link] in
                guard let self, let link else { return }
                link.timers[id] = nil
                self.feed(.timerFired(id), to: link)
            }
        case .cancelTimer(let id):
            if let timer = link.timers.removeValue(forKey: id) { sip.cancelTimer(timer) }
        case .stateChanged(let state):
            link.state = state
            let status = link.machine?.status
            if let status { trunkStatuses.withLock { $0[link.trunk.name] = status } }
            logger.info("trunk \(state.logWord)", metadata: [
                "trunk": "\(link.trunk.name)", "registrar": "\(status?.registrar ?? "-")",
                "status": "\(status?.lastStatusCode.map(String.init) ?? "-")",
            ])
        }
    }

    private func handle(for registrar: String, link: TrunkLink) -> SIPHandle? {
        if let handle = link.handles[registrar] { return handle }
        guard let user = link.trunk.username else { return nil }
        let host = registrar.hasPrefix("sip:") ? String(registrar.dropFirst(4)) : registrar
        guard let handle = sip.makeHandle(to: "<sip:\(user)@\(host)>", from: "<sip:\(user)@\(host)>") else { return nil }
        link.handles[registrar] = handle
        trunkByHandle[handle] = link
        return handle
    }

    /// REGISTER responses on a trunk's handles: challenges are answered here, final answers go to the machine.
    func handleTrunkEvent(_ event: SIPEvent, link: TrunkLink) {
        guard event.kind == .registerResponse || event.kind == .unregisterResponse, let handle = event.handle else { return }
        let status = event.status
        if (status == 401 || status == 407), link.authAttempts == 0, let password = link.trunk.password {
            link.authAttempts += 1
            let header = event.message?.header(status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate")
            let realm = link.trunk.realm ?? header.flatMap { DigestChallenge($0)?.realm } ?? ""
            sip.authenticate(handle, realm: realm, user: link.trunk.authUsername ?? link.trunk.username ?? "", password: password)
            return
        }
        guard status >= 200, let pending = link.pending, pending.handle == handle else { return }
        link.pending = nil
        let message = event.message
        let response = RegisterResponse(
            requestID: pending.id, status: status, phrase: event.phrase,
            expires: message.flatMap(grantedExpires), retryAfter: message?.header("Retry-After").flatMap { Int($0.prefix { $0.isNumber }) },
            minExpires: message?.header("Min-Expires").flatMap { Int($0) })
        feed(.response(response), to: link)
    }

    /// The expires the registrar granted: our Contact's expires parameter, else the Expires header.
    private func grantedExpires(_ message: SIPMessage) -> Int? {
        for contact in message.headers(named: "Contact") {
            if let range = contact.range(of: "expires=") {
                return Int(contact[range.upperBound...].prefix { $0.isNumber })
            }
        }
        return message.header("Expires").flatMap { Int($0) }
    }

    /// The trunk a request came from, if any.
    func trunk(for source: SIPAddress?) -> TrunkLink? {
        guard let source else { return nil }
        return trunks.first { $0.matches(source) }
    }

    /// The dialled DID of a call from a trunk, where the trunk says to find it.
    func did(of message: SIPMessage, trunk: ParleyConfiguration.Trunk) -> String? {
        switch trunk.didSource {
        case .requestURI: return message.requestUser
        case .to: return message.toUser
        case .header(let name): return message.header(name).map { sipUser($0) ?? $0 }
        }
    }

    private func sipUser(_ value: String) -> String? {
        guard let start = value.range(of: "sip:") else { return nil }
        let rest = value[start.upperBound...]
        guard let at = rest.firstIndex(of: "@") else { return nil }
        return String(rest[..<at])
    }

    /// Sends a user's call out on a trunk: one outgoing leg to the trunk's server with our caller ID
    /// (From and P-Asserted-Identity); the provider's 401/407 is answered with the trunk's credentials.
    func dialTrunk(_ call: Call, trunkName: String, number: String, caller: DirectoryUser?) {
        let room = call.room ?? media.openRoom(sampleRate: 16000)
        call.room = room
        guard let leg = trunkLeg(call, trunkName: trunkName, number: number, caller: caller, room: room) else {
            sip.respond(call.handle, status: 503)
            call.phase = .ending
            return
        }
        call.legs.append(leg)
    }

    /// An outgoing leg on trunk `trunkName` to `number`, its stream on `room`'s loop (not yet a
    /// member); nil when the trunk or a stream is unavailable. `headers` are extra header lines
    /// for the INVITE (Referred-By on a transfer).
    func trunkLeg(_ call: Call, trunkName: String, number: String, caller: DirectoryUser?, room: Room,
                  headers: [String] = []) -> OutboundLeg? {
        guard let link = trunks.first(where: { $0.trunk.name == trunkName }), let host = link.host else { return nil }
        // Providers check that From's user is the authenticating account; the number to present goes
        // in P-Asserted-Identity (RFC 3325) and From's display name.
        let account = link.trunk.authUsername ?? link.trunk.username ?? caller?.username ?? "anonymous"
        let callerID = link.trunk.callerID ?? caller?.username ?? account
        let name = (caller?.callerIDName ?? callerID).replacingOccurrences(of: "\"", with: "")
        do {
            let stream = try media.openStream(logger: call.logger, in: room) { [weak self] e in self?.mediaEvent(e) }
            let local = localAudio(for: stream, endpoint: EndpointMedia(link.trunk))
            let (offer, pending) = AudioNegotiation.offer(local: local)
            guard let handle = sip.makeHandle(to: "<sip:\(number)@\(host)>", from: "\"\(name)\" <sip:\(account)@\(host)>") else {
                stream.close()
                return nil
            }
            let leg = OutboundLeg(handle: handle, contact: "sip:\(number)@\(host)", stream: stream, offer: pending, local: local, call: call)
            leg.credentials = link.trunk.password.map { (user: link.trunk.authUsername ?? link.trunk.username ?? "", password: $0, realm: link.trunk.realm) }
            leg.trunkName = trunkName
            outbound[handle] = leg
            callsByStream[stream.id] = call.handle
            sip.invite(handle, requestURI: "sip:\(number)@\(host)", sdp: offer.serialized(),
                       headers: ["P-Asserted-Identity: \"\(name)\" <sip:\(callerID)@\(host)>"] + headers)
            call.logger.info("dialling out", metadata: ["trunk": "\(trunkName)", "number": "\(number)", "caller-id": "\(callerID)"])
            return leg
        } catch {
            call.logger.error("cannot dial out: \(error)")
            return nil
        }
    }
}

extension TrunkState {
    /// One word for the "trunk …" log line.
    var logWord: String {
        switch self {
        case .unregistered: return "unregistered"
        case .registering: return "registering"
        case .registered: return "registered"
        case .failed(let reason, _): return "registration failed (\(reason))"
        case .unregistering: return "unregistering"
        case .stopped: return "stopped"
        }
    }
}
