/// What a CLI command or a client call can fail with.
public enum ControlClientError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidURL(String)
    case connection(String)
    case timeout(String)
    /// The API answered with an error body.
    case api(status: Int, code: String, message: String)
    case invalidResponse(String)
    case usage(String)

    static func from(_ response: ControlClient.Response) -> ControlClientError {
        if let body = try? ControlJSON.decode(ControlErrorBody.self, from: response.body) {
            return .api(status: response.status, code: body.error.code, message: body.error.message)
        }
        return .api(status: response.status, code: "http_\(response.status)", message: response.text)
    }

    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid API URL \(url)"
        case .connection(let detail): "cannot reach the control API at \(detail)"
        case .timeout(let uri): "the control API did not answer \(uri) in time"
        case .api(let status, let code, let message): "\(message) (\(status) \(code))"
        case .invalidResponse(let detail): detail
        case .usage(let detail): detail
        }
    }
}
