import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The Agent module's HTTP: one AsyncHTTPClient (streams response bodies reliably on Linux,
/// which FoundationNetworking's URLSession does not), shared by the chat brain, HTTP tools and
/// webhooks. The composition root owns the client and shuts it down.
public struct AgentHTTPClient: Sendable {
    public let client: HTTPClient
    /// Largest body read from a tool or error response.
    public var maximumBody = 1 << 20

    public init(client: HTTPClient) {
        self.client = client
    }

    /// A response with its body still streaming.
    public struct Streaming: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: HTTPClientResponse.Body
    }

    /// A response read to the end (at most `maximumBody` bytes).
    public struct Response: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public func stream(_ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
                       timeout: Duration) async throws(BrainError) -> Streaming {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.replaceOrAdd(name: "content-length", value: String(body.count))
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await client.execute(request, timeout: Self.timeAmount(timeout))
            return Streaming(status: Int(response.status.code), headers: response.headers, body: response.body)
        } catch {
            throw Self.map(error)
        }
    }

    public func send(_ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
                     timeout: Duration) async throws(BrainError) -> Response {
        let streaming = try await stream(method, url, headers: headers, body: body, timeout: timeout)
        let bytes = try await Self.collect(streaming.body, limit: maximumBody)
        return Response(status: streaming.status, headers: streaming.headers, body: bytes)
    }

    static func collect(_ body: HTTPClientResponse.Body, limit: Int) async throws(BrainError) -> [UInt8] {
        var bytes: [UInt8] = []
        do {
            for try await chunk in body {
                bytes += chunk.readableBytesView.prefix(max(0, limit - bytes.count))
                if bytes.count >= limit { break }
            }
        } catch {
            throw map(error)
        }
        return bytes
    }

    /// The wait a 429 or 503 asks for: `retry-after-ms` (OpenAI) or `Retry-After` in seconds.
    /// An HTTP-date Retry-After is not used (it would need the wall clock); the policy's own
    /// backoff applies then.
    public static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        if let ms = headers.first(name: "retry-after-ms").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }),
           ms.isFinite, ms >= 0 {
            return .milliseconds(Int64(min(ms, 3_600_000)))
        }
        if let seconds = headers.first(name: "retry-after").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }),
           seconds.isFinite, seconds >= 0 {
            return .milliseconds(Int64(min(seconds, 3600) * 1000))
        }
        return nil
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(max(1, duration.components.seconds &* 1_000_000_000 &+ duration.components.attoseconds / 1_000_000_000))
    }

    static func map(_ error: any Error) -> BrainError {
        if let brain = error as? BrainError { return brain }
        if let client = error as? HTTPClientError {
            if [HTTPClientError.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout,
                .getConnectionFromPoolTimeout].contains(client) {
                return .timeout
            }
            return .transport(String(describing: client))
        }
        if error is CancellationError { return .timeout }
        return .transport(String(describing: error))
    }
}
