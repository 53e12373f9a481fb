import SDP
import SIP

/// Reading an SDP body out of a SIP message, with the reason it is unusable.
enum SDPBody {
    enum Problem: Error {
        /// The body is not SDP (answer 415 with Accept).
        case unsupportedType(String)
        /// It claims to be SDP but does not parse (answer 488).
        case malformed(String)
    }

    /// The session description a message carries, nil when it has no body.
    static func read(_ message: SIPMessage) throws(Problem) -> SessionDescription? {
        guard let body = message.body, !body.isEmpty else { return nil }
        let type = (message.contentType ?? "application/sdp").lowercased()
        guard type == "application/sdp" else { throw .unsupportedType(type) }
        do {
            return try SessionDescription(parsing: body)
        } catch {
            throw .malformed(error.description)
        }
    }
}
