import Foundation
import Registrar

extension SIPProbe {
    /// The Authorization / Proxy-Authorization header answering `challenge` (a 401 or 407) with MD5,
    /// qop=auth, as a phone would (RFC 2617 §3.2.2).
    func credentials(answering challenge: WireMessage, method: String, uri: String, username: String, password: String) -> String? {
        let proxy = challenge.status == 407
        guard let header = challenge.all(proxy ? "Proxy-Authenticate" : "WWW-Authenticate").first(where: { $0.contains("MD5") }),
              let realm = Self.quoted("realm", in: header), let nonce = Self.quoted("nonce", in: header)
        else { return nil }
        let opaque = Self.quoted("opaque", in: header)
        let md5 = DigestAlgorithm.md5
        let cnonce = String(UInt64.random(in: 1...UInt64.max), radix: 16)
        let ha1 = md5.ha1(username: username, realm: realm, password: password)
        let response = md5.response(ha1: ha1, nonce: nonce, nonceCount: "00000001", cnonce: cnonce, qop: "auth",
                                    method: method, uri: uri)
        var value = "Digest username=\"\(username)\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"\(uri)\", "
            + "response=\"\(response)\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"\(cnonce)\""
        if let opaque { value += ", opaque=\"\(opaque)\"" }
        return "\(proxy ? "Proxy-Authorization" : "Authorization"): \(value)"
    }

    private static func quoted(_ name: String, in header: String) -> String? {
        guard let range = header.range(of: "\(name)=\"") else { return nil }
        let rest = header[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    /// Sends INVITE, answers the 407 with credentials (new transaction, same call), and returns the
    /// final response to the authenticated INVITE.
    func authenticatedInvite(body: String, username: String, password: String, timeout: TimeInterval = 10) -> WireMessage? {
        let uri = "sip:\(target)@127.0.0.1:\(serverPort)"
        send("INVITE", uri: uri, body: body)
        guard let challenge = finalResponse(to: "INVITE", timeout: timeout) else { return nil }
        guard challenge.status == 407 else { return challenge }
        ackFailure()
        guard let auth = credentials(answering: challenge, method: "INVITE", uri: uri, username: username, password: password)
        else { return challenge }
        send("INVITE", uri: uri, body: body, extraHeaders: [auth])
        return finalResponse(to: "INVITE", timeout: timeout)
    }
}
