import Foundation
import Glibc

/// A parsed SIP message as the probe saw it on the wire.
struct WireMessage: CustomStringConvertible {
    var startLine: String
    var headers: [(name: String, value: String)]
    var body: String

    var isRequest: Bool { !startLine.hasPrefix("SIP/2.0") }
    var status: Int? { isRequest ? nil : Int(startLine.split(separator: " ").dropFirst().first ?? "") }
    var method: String? { isRequest ? startLine.split(separator: " ").first.map(String.init) : nil }
    var cseqMethod: String? { header("CSeq")?.split(separator: " ").last.map(String.init) }

    func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    func all(_ name: String) -> [String] { headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value) }
    var toTag: String? { header("To").flatMap { Self.param("tag", in: $0) } }
    var description: String { startLine }

    static func param(_ name: String, in value: String) -> String? {
        for part in value.split(separator: ";").dropFirst() {
            let kv = part.split(separator: "=", maxSplits: 1)
            if kv.first?.trimmingCharacters(in: .whitespaces).lowercased() == name { return kv.count > 1 ? String(kv[1]) : "" }
        }
        return nil
    }

    init?(_ text: String) {
        let parts = text.components(separatedBy: "\r\n\r\n")
        guard let head = parts.first else { return nil }
        var lines = head.components(separatedBy: "\r\n")
        guard !lines.isEmpty else { return nil }
        startLine = lines.removeFirst()
        headers = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        body = parts.dropFirst().joined(separator: "\r\n\r\n")
    }
}

/// A hand-driven SIP user agent over UDP for checking exact responses (status codes, headers,
/// SDP) that full peers hide. It plays the caller in one dialog at a time.
final class SIPProbe {
    let localPort: UInt16
    let serverPort: UInt16
    private let fd: Int32
    private var received: [WireMessage] = []

    let callID = UUID().uuidString
    let fromTag = String(UInt32.random(in: 1...UInt32.max), radix: 16)
    private(set) var cseq: UInt32 = 0
    private(set) var lastInviteBranch = ""
    private(set) var lastInviteCSeq: UInt32 = 0
    var toTag: String?
    var user = "probe"
    var target = ""
    var recordRoute: String?

    init(serverPort: UInt16) throws {
        self.serverPort = serverPort
        let s = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard s >= 0 else { throw ProbeError("socket failed") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else {
            close(s)
            throw ProbeError("bind failed")
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) } }
        fd = s
        localPort = UInt16(bigEndian: addr.sin_port)
    }

    deinit { close(fd) }

    func sendRaw(_ text: String) {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = serverPort.bigEndian
        let bytes = Array(text.utf8)
        _ = withUnsafePointer(to: &addr) { a in
            a.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    /// Builds and sends a request in the probe's dialog; returns its branch.
    @discardableResult
    func send(_ method: String, uri: String? = nil, body: String = "", contentType: String = "application/sdp",
              extraHeaders: [String] = [], cseqOverride: UInt32? = nil, branch: String? = nil) -> String {
        let requestURI = uri ?? "sip:\(target)@127.0.0.1:\(serverPort)"
        let branch = branch ?? "z9hG4bK" + String(UInt64.random(in: 1...UInt64.max), radix: 16)
        let seq: UInt32
        if let cseqOverride { seq = cseqOverride } else { cseq += 1; seq = cseq }
        if method == "INVITE" { lastInviteBranch = branch; lastInviteCSeq = seq }
        var lines = [
            "\(method) \(requestURI) SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:\(localPort);branch=\(branch);rport",
            "Max-Forwards: 70",
            "From: \"Probe\" <sip:\(user)@127.0.0.1:\(localPort)>;tag=\(fromTag)",
            "To: <sip:\(target)@127.0.0.1:\(serverPort)>" + (toTag.map { ";tag=\($0)" } ?? ""),
            "Call-ID: \(callID)",
            "CSeq: \(seq) \(method == "ACK" || method == "CANCEL" ? method : method)",
            "Contact: <sip:\(user)@127.0.0.1:\(localPort)>",
            "User-Agent: parley-probe",
        ]
        if let recordRoute, method == "INVITE", toTag == nil { lines.append("Record-Route: \(recordRoute)") }
        lines += extraHeaders
        if !body.isEmpty { lines.append("Content-Type: \(contentType)") }
        lines.append("Content-Length: \(body.utf8.count)")
        sendRaw(lines.joined(separator: "\r\n") + "\r\n\r\n" + body)
        return branch
    }

    /// ACK for a non-2xx final response: same branch and CSeq number as the INVITE (RFC 3261 §17.1.1.3).
    func ackFailure() {
        send("ACK", cseqOverride: lastInviteCSeq, branch: lastInviteBranch)
    }

    /// ACK for a 2xx: a new transaction with the INVITE's CSeq number.
    func ackSuccess(body: String = "") {
        send("ACK", body: body, cseqOverride: lastInviteCSeq)
    }

    /// CANCEL for the pending INVITE: same branch and CSeq number.
    func cancel() {
        send("CANCEL", cseqOverride: lastInviteCSeq, branch: lastInviteBranch)
    }

    /// Next message matching `predicate` within `timeout` seconds (others are kept for later).
    func receive(timeout: TimeInterval = 10, where predicate: (WireMessage) -> Bool = { _ in true }) -> WireMessage? {
        if let i = received.firstIndex(where: predicate) { return received.remove(at: i) }
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            guard poll(&pfd, 1, ms) > 0 else { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0, let text = String(validating: buffer[0..<n], as: UTF8.self), let message = WireMessage(text) else { continue }
            if predicate(message) { return message }
            received.append(message)
        }
        return nil
    }

    /// The final (>= 200) response for `method`, skipping provisional ones.
    func finalResponse(to method: String, timeout: TimeInterval = 10) -> WireMessage? {
        receive(timeout: timeout) { ($0.status ?? 0) >= 200 && $0.cseqMethod == method }
    }

    func response(_ status: Int, to method: String, timeout: TimeInterval = 10) -> WireMessage? {
        receive(timeout: timeout) { $0.status == status && $0.cseqMethod == method }
    }

    /// Answers a request from the server with 200 OK, copying its Via/From/To/Call-ID/CSeq.
    func reply(to request: WireMessage, status: Int = 200, reason: String = "OK") {
        var lines = ["SIP/2.0 \(status) \(reason)"]
        for v in request.all("Via") { lines.append("Via: \(v)") }
        for name in ["From", "To", "Call-ID", "CSeq"] {
            if let v = request.header(name) { lines.append("\(name): \(v)") }
        }
        lines.append("Content-Length: 0")
        sendRaw(lines.joined(separator: "\r\n") + "\r\n\r\n")
    }

    /// A G.711 offer on `rtpPort`; telephone-event on `eventPT` (any dynamic number).
    static func offer(rtpPort: Int, formats: String = "0 8 96", eventPT: Int = 96, direction: String = "sendrecv",
                      address: String = "127.0.0.1", extra: [String] = []) -> String {
        var lines = [
            "v=0", "o=probe 1 1 IN IP4 127.0.0.1", "s=probe", "c=IN IP4 \(address)", "t=0 0",
            "m=audio \(rtpPort) RTP/AVP \(formats)",
            "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:\(eventPT) telephone-event/8000", "a=fmtp:\(eventPT) 0-16", "a=ptime:20", "a=\(direction)",
        ]
        lines += extra
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

struct ProbeError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
