/// Why the control server did not start.
public enum ControlServerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Binding a non-loopback address needs a token.
    case tokenRequired(host: String)
    case emptyToken
    case invalidPort(Int)
    case invalidSetting(String)
    /// The socket could not be bound (address in use, no such address).
    case bindFailed(host: String, port: Int, reason: String)
    case alreadyRunning

    public var description: String {
        switch self {
        case .tokenRequired(let host):
            "refusing to serve the control API on \(host) without a token: set control.token, "
                + "or listen on 127.0.0.1"
        case .emptyToken: "control.token is empty"
        case .invalidPort(let port): "control.port \(port) is not between 0 and 65535"
        case .invalidSetting(let detail): "control: \(detail)"
        case .bindFailed(let host, let port, let reason): "cannot listen on \(host):\(port): \(reason)"
        case .alreadyRunning: "the control server is already running"
        }
    }
}
