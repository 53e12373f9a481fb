import Foundation
import CSofiaShims

/// A nua handle: one dialog or transaction owned by Sofia. An opaque token; compare and hash it.
public struct SIPHandle: Hashable, Sendable, CustomStringConvertible {
    let raw: UInt
    init?(_ pointer: UnsafeMutableRawPointer?) {
        guard let pointer else { return nil }
        raw = UInt(bitPattern: pointer)
    }
    var pointer: UnsafeMutableRawPointer? { UnsafeMutableRawPointer(bitPattern: raw) }
    public var description: String { "nh-" + String(raw, radix: 16) }
}

/// nua call states (RFC 3261 dialog life as Sofia reports it).
public enum SIPCallState: Int, Sendable {
    case initial = 0, authenticating, calling, proceeding, completing, received, early, completed, ready,
         terminating, terminated
}

/// What happened, as far as Parley cares.
public enum SIPEventKind: Sendable, Equatable {
    case invite, cancel, ack, bye, options, refer, prack, info, update, message, notify, register, subscribe
    case unknownMethod
    case state(SIPCallState)
    case error
    case shutdownResponse, inviteResponse, byeResponse, cancelResponse, updateResponse, infoResponse,
         registerResponse, unregisterResponse, optionsResponse, referResponse, notifyResponse
    case other(String)
}

/// A transport address seen on the wire.
public struct SIPAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// The parts of a SIP message Parley reads, copied out of Sofia's memory.
public struct SIPMessage: Sendable {
    public var method: String?
    public var requestURI: String?
    public var requestUser: String?
    public var callID: String?
    public var from: String?
    public var fromUser: String?
    public var fromDisplay: String?
    public var fromTag: String?
    public var to: String?
    public var toUser: String?
    public var toTag: String?
    public var contact: String?
    public var cseq: UInt32
    public var cseqMethod: String?
    public var contentType: String?
    public var body: [UInt8]?
    public var userAgent: String?
    public var transport: String?
    public var source: SIPAddress?
    /// Every header in message order (compact forms expanded by Sofia).
    public var headers: [SIPHeader] = []

    /// The first value of a header, case-insensitively ("X-Trunk-DID", "Authorization", ...).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Every value of a header, in order.
    public func headers(named name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    /// The body as text when it is valid UTF-8.
    public var bodyText: String? { body.flatMap { String(validating: $0, as: UTF8.self) } }
}

/// One header line of a SIP message.
public struct SIPHeader: Sendable, Equatable {
    public var name: String
    public var value: String
}

/// One event from the SIP stack, delivered on the SIP thread.
public struct SIPEvent: Sendable {
    public var kind: SIPEventKind
    public var status: Int
    public var phrase: String
    public var handle: SIPHandle?
    public var message: SIPMessage?
    /// Sofia's event name, for logs.
    public var name: String
}

extension SIPEvent {
    init(_ ev: UnsafePointer<ps_event_t>) {
        let e = ev.pointee
        func s(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }
        kind = Self.kind(e)
        status = Int(e.status)
        phrase = s(e.phrase) ?? ""
        handle = SIPHandle(e.handle)
        name = s(e.event_name) ?? "event \(e.raw_event)"
        guard e.call_id != nil || e.method != nil else {
            message = nil
            return
        }
        var body: [UInt8]?
        if let p = e.payload, e.payload_len > 0 {
            body = Array(UnsafeRawBufferPointer(start: p, count: e.payload_len))
        }
        var source: SIPAddress?
        if let h = s(e.source_host), e.source_port >= 0 { source = SIPAddress(host: h, port: Int(e.source_port)) }
        message = SIPMessage(
            method: s(e.method), requestURI: s(e.request_uri), requestUser: s(e.request_user),
            callID: s(e.call_id), from: s(e.from), fromUser: s(e.from_user), fromDisplay: s(e.from_display),
            fromTag: s(e.from_tag), to: s(e.to), toUser: s(e.to_user), toTag: s(e.to_tag),
            contact: s(e.contact), cseq: e.cseq, cseqMethod: s(e.cseq_method),
            contentType: s(e.content_type), body: body, userAgent: s(e.user_agent),
            transport: s(e.via_transport), source: source,
            headers: Self.headers(e.headers, count: e.headers_len))
    }

    private static func headers(_ raw: UnsafePointer<CChar>?, count: Int) -> [SIPHeader] {
        guard let raw, count > 0 else { return [] }
        let text = String(decoding: UnsafeRawBufferPointer(start: raw, count: count), as: UTF8.self)
        var result: [SIPHeader] = []
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            result.append(SIPHeader(name: name, value: value))
        }
        return result
    }

    private static func kind(_ e: ps_event_t) -> SIPEventKind {
        switch ps_event_kind_t(rawValue: UInt32(bitPattern: e.kind)) {
        case PS_EV_I_INVITE: return .invite
        case PS_EV_I_CANCEL: return .cancel
        case PS_EV_I_ACK: return .ack
        case PS_EV_I_STATE: return .state(SIPCallState(rawValue: Int(e.call_state)) ?? .initial)
        case PS_EV_I_BYE: return .bye
        case PS_EV_I_OPTIONS: return .options
        case PS_EV_I_REFER: return .refer
        case PS_EV_I_PRACK: return .prack
        case PS_EV_I_INFO: return .info
        case PS_EV_I_UPDATE: return .update
        case PS_EV_I_MESSAGE: return .message
        case PS_EV_I_NOTIFY: return .notify
        case PS_EV_I_ERROR: return .error
        case PS_EV_I_REGISTER: return .register
        case PS_EV_I_SUBSCRIBE: return .subscribe
        case PS_EV_I_METHOD: return .unknownMethod
        case PS_EV_R_SHUTDOWN: return .shutdownResponse
        case PS_EV_R_INVITE: return .inviteResponse
        case PS_EV_R_BYE: return .byeResponse
        case PS_EV_R_CANCEL: return .cancelResponse
        case PS_EV_R_UPDATE: return .updateResponse
        case PS_EV_R_INFO: return .infoResponse
        case PS_EV_R_REGISTER: return .registerResponse
        case PS_EV_R_UNREGISTER: return .unregisterResponse
        case PS_EV_R_OPTIONS: return .optionsResponse
        case PS_EV_R_REFER: return .referResponse
        case PS_EV_R_NOTIFY: return .notifyResponse
        default: return .other(e.event_name.map { String(cString: $0) } ?? "?")
        }
    }
}
