import Foundation

/// One JSON message from baresip's ctrl_tcp module: an event (`"event": true`, with a `type` such
/// as `CALL_ESTABLISHED`) or the response to a command (`"response": true`, `ok`, `data`, and the
/// `token` the command carried).
public struct BaresipMessage: Sendable, Equatable {
    public var isEvent: Bool
    public var isResponse: Bool
    /// For responses: whether the command succeeded.
    public var ok: Bool?
    /// For events: `CALL_RINGING`, `CALL_ESTABLISHED`, `CALL_CLOSED`, `CALL_DTMF_START`, ...
    public var type: String?
    /// For events: `call`, `application`, `other`, ...
    public var eventClass: String?
    /// For events: the event's parameter (the peer URI, a close reason, a DTMF digit...).
    public var param: String?
    /// For responses: the command's textual answer.
    public var data: String?
    public var token: String?
    /// The call id for call events.
    public var callID: String?
    public var peerURI: String?
    /// The message exactly as received.
    public var json: String

    /// Decodes a ctrl_tcp payload. Fields of unexpected types are treated as absent, so a new
    /// baresip version adding fields cannot make messages disappear; nil only for non-JSON.
    public init?(json payload: [UInt8]) {
        guard let wire = try? JSONDecoder().decode(Wire.self, from: Data(payload)) else { return nil }
        isEvent = wire.event ?? false
        isResponse = wire.response ?? false
        ok = wire.ok
        type = wire.type
        eventClass = wire.eventClass
        param = wire.param
        data = wire.data
        token = wire.token
        callID = wire.id
        peerURI = wire.peeruri
        json = String(decoding: payload, as: UTF8.self)
    }

    /// A command as ctrl_tcp expects it: `{"command": ..., "params": ..., "token": ...}`.
    static func command(_ command: String, params: String, token: String) -> [UInt8] {
        let body = CommandBody(command: command, params: params, token: token)
        guard let data = try? JSONEncoder().encode(body) else { return [] }
        return [UInt8](data)
    }

    private struct CommandBody: Encodable {
        var command: String
        var params: String
        var token: String
    }

    private struct Wire: Decodable {
        var event: Bool?
        var response: Bool?
        var ok: Bool?
        var type: String?
        var eventClass: String?
        var param: String?
        var data: String?
        var token: String?
        var id: String?
        var peeruri: String?

        enum CodingKeys: String, CodingKey {
            case event, response, ok, type, param, data, token, id, peeruri
            case eventClass = "class"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            event = try? container.decodeIfPresent(Bool.self, forKey: .event)
            response = try? container.decodeIfPresent(Bool.self, forKey: .response)
            ok = try? container.decodeIfPresent(Bool.self, forKey: .ok)
            type = try? container.decodeIfPresent(String.self, forKey: .type)
            eventClass = try? container.decodeIfPresent(String.self, forKey: .eventClass)
            param = try? container.decodeIfPresent(String.self, forKey: .param)
            data = try? container.decodeIfPresent(String.self, forKey: .data)
            token = try? container.decodeIfPresent(String.self, forKey: .token)
            id = try? container.decodeIfPresent(String.self, forKey: .id)
            peeruri = try? container.decodeIfPresent(String.self, forKey: .peeruri)
        }
    }
}
