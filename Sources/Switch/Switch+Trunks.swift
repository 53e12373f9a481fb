import Foundation
import Logging
import Media
import ParleyConfig
import Registrar
import SIP

/// One configured trunk at run time: its registration handle and state. SIP thread only.
final class TrunkLink {
    let trunk: ParleyConfiguration.Trunk
    var registration: SIPHandle?
    var registered = false
    var authAttempts = 0
    var retryTimer: UInt64?
    var failures = 0

    init(trunk: ParleyConfiguration.Trunk) {
        self.trunk = trunk
    }

    /// "sip:host[:port]" of the registrar (also where outgoing calls go).
    var server: String? { trunk.registrar.map { "sip:" + hostPort($0) } }
    var host: String? { trunk.registrar.map { hostPort($0) } }

    private func hostPort(_ s: ParleyConfiguration.Trunk.Server) -> String {
        let h = s.host.contains(":") ? "[\(s.host)]" : s.host
        return s.port.map { "\(h):\($0)" } ?? h
    }

    /// Whether a request from `source` comes from this trunk: its registrar's address, or an
    /// `ip_auth` network.
    func matches(_ source: SIPAddress) -> Bool {
        if trunk.acceptsSource(source.host) { return true }
        guard let registrar = trunk.registrar else { return false }
        return registrar.host == source.host && (registrar.port ?? 5060) == source.port
    }
}

extension Switch {
    /// Registers every trunk that should register (nua refreshes a registration before it expires).
    func startTrunks() {
        for link in trunks where link.trunk.register {
            register(link)
        }
    }

    private func register(_ link: TrunkLink) {
        guard let server = link.server, let host = link.host, let user = link.trunk.username else { return }
        if link.registration == nil {
            link.registration = sip.makeHandle(to: "<sip:\(user)@\(host)>", from: "<sip:\(user)@\(host)>")
            if let handle = link.registration { trunkByHandle[handle] = link }
        }
        guard let handle = link.registration else { return }
        link.authAttempts = 0
        sip.register(handle, registrar: server, contact: nil, expires: link.trunk.expiresSeconds)
        logger.info("trunk registering", metadata: ["trunk": "\(link.trunk.name)", "registrar": "\(server)"])
    }

    /// REGISTER responses on a trunk's handle.
    func handleTrunkEvent(_ event: SIPEvent, link: TrunkLink) {
        guard event.kind == .registerResponse || event.kind == .unregisterResponse else { return }
        let status = event.status
        if (status == 401 || status == 407), link.authAttempts == 0, let handle = link.registration,
           let password = link.trunk.password {
            link.authAttempts += 1
            let header = event.message?.header(status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate")
            let realm = link.trunk.realm ?? header.flatMap { DigestChallenge($0)?.realm } ?? ""
            sip.authenticate(handle, realm: realm, user: link.trunk.authUsername ?? link.trunk.username ?? "", password: password)
            return
        }
        guard status >= 200 else { return }
        if event.kind == .unregisterResponse {
            link.registered = false
            logger.info("trunk unregistered", metadata: ["trunk": "\(link.trunk.name)", "status": "\(status)"])
            return
        }
        if status < 300 {
            link.registered = true
            link.failures = 0
            logger.info("trunk registered", metadata: ["trunk": "\(link.trunk.name)", "status": "\(status)"])
        } else {
            link.registered = false
            link.failures += 1
            // Back off 5 s, 10 s, 20 s ... up to 5 minutes, then try again.
            let delay = min(300, 5 << min(link.failures - 1, 6))
            logger.warning("trunk registration failed", metadata: [
                "trunk": "\(link.trunk.name)", "status": "\(status)", "retry-s": "\(delay)",
            ])
            if let timer = link.retryTimer { sip.cancelTimer(timer) }
            link.retryTimer = sip.schedule(after: delay * 1000) { [weak self, weak link] in
                guard let self, let link else { return }
                link.retryTimer = nil
                self.register(link)
            }
        }
    }

    /// Unregisters trunks at shutdown.
    func stopTrunks() {
        for link in trunks where link.registered {
            if let handle = link.registration { sip.unregister(handle) }
        }
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
        guard let link = trunks.first(where: { $0.trunk.name == trunkName }), let host = link.host else {
            sip.respond(call.handle, status: 503)
            call.phase = .ending
            return
        }
        // Providers check that From's user is the authenticating account; the number to present goes
        // in P-Asserted-Identity (RFC 3325) and From's display name.
        let account = link.trunk.authUsername ?? link.trunk.username ?? caller?.username ?? "anonymous"
        let callerID = link.trunk.callerID ?? caller?.username ?? account
        let name = (caller?.callerIDName ?? callerID).replacingOccurrences(of: "\"", with: "")
        do {
            let stream = try media.openStream(logger: call.logger, pinnedWith: call.stream) { [weak self] e in self?.mediaEvent(e) }
            let (offer, pending) = AudioNegotiation.offer(local: localAudio(for: stream))
            guard let handle = sip.makeHandle(to: "<sip:\(number)@\(host)>", from: "\"\(name)\" <sip:\(account)@\(host)>") else {
                stream.close()
                sip.respond(call.handle, status: 503)
                call.phase = .ending
                return
            }
            let leg = OutboundLeg(handle: handle, contact: "sip:\(number)@\(host)", stream: stream, offer: pending, call: call)
            leg.credentials = link.trunk.password.map { (user: link.trunk.authUsername ?? link.trunk.username ?? "", password: $0, realm: link.trunk.realm) }
            call.legs.append(leg)
            outbound[handle] = leg
            callsByStream[stream.id] = call.handle
            sip.invite(handle, requestURI: "sip:\(number)@\(host)", sdp: offer.serialized(),
                       headers: ["P-Asserted-Identity: \"\(name)\" <sip:\(callerID)@\(host)>"])
            call.logger.info("dialling out", metadata: ["trunk": "\(trunkName)", "number": "\(number)", "caller-id": "\(callerID)"])
        } catch {
            call.logger.error("cannot dial out: \(error)")
            sip.respond(call.handle, status: 503)
            call.phase = .ending
        }
    }
}
