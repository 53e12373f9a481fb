import Foundation
import Logging
import Registrar
import SIP

extension Switch {
    /// REGISTER (RFC 3261 §10): digest-authenticated, then stored by the registrar; the reply lists
    /// the user's bindings. A source that keeps failing is blocked by the limiter.
    func handleRegister(_ event: SIPEvent, handle: SIPHandle) {
        defer { sip.destroy(handle) }
        guard let pbx, let message = event.message, let source = message.source else {
            sip.respond(handle, status: pbx == nil ? 405 : 400, toCurrentRequest: true)
            return
        }
        let from = SourceAddress(host: source.host, port: source.port)
        let auth = pbx.authenticate(method: "REGISTER", requestURI: message.requestURI ?? "", credentials: message.headers(named: "Authorization"),
                                    proxy: false, expectedUser: message.toUser, source: from)
        let user: DirectoryUser
        switch auth {
        case .failure(let reply):
            sip.respond(handle, status: reply.status, headers: reply.headerLines, toCurrentRequest: true)
            return
        case .success(let authenticated):
            user = authenticated
        }
        let request = RegisterRequest(
            aor: user.username, contacts: message.headers(named: "Contact"), expires: message.header("Expires"),
            callID: message.callID ?? "", cseq: message.cseq, source: from, transport: transportName(message.transport),
            userAgent: message.userAgent, maxContacts: user.maxContacts)
        do {
            let result = try pbx.registrar.register(request, now: Date())
            sip.respond(handle, status: result.reply.status, headers: result.reply.headerLines, toCurrentRequest: true)
            reportRegistration(result.changes, user: user.username)
            if !result.changes.isEmpty {
                logger.info("registration", metadata: ["user": "\(user.username)", "source": "\(source)",
                                                       "bindings": "\(result.bindings.count)"])
            }
        } catch {
            logger.info("registration refused", metadata: ["user": "\(user.username)", "reason": "\(error)"])
            sip.respond(handle, status: error.reply.status, headers: error.reply.headerLines, toCurrentRequest: true)
        }
    }

    /// "UDP" from a Via protocol such as "SIP/2.0/UDP".
    func transportName(_ via: String?) -> String {
        guard let via else { return "UDP" }
        return via.split(separator: "/").last.map { $0.uppercased() } ?? "UDP"
    }
}
