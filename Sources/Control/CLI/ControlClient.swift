import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 client for the control API (plain HTTP: the API listens on loopback, or
/// behind a TLS-terminating proxy). One connection per request; responses are read whole,
/// except ``stream(_:query:until:)`` which hands out Server-Sent Events as they arrive.
public struct ControlClient: Sendable {
    public let host: String
    public let port: Int
    /// Prefix for every path ("" or "/parley" behind a proxy).
    public let basePath: String
    public let token: String?
    /// Limit for one whole request (liveness only; the event stream has none).
    public var timeout: Duration

    /// - Parameter baseURL: "http://127.0.0.1:8089" (https is refused: use a local proxy).
    public init(baseURL: String, token: String? = nil, timeout: Duration = .seconds(60)) throws(ControlClientError) {
        guard let components = URLComponents(string: baseURL), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty else {
            throw .invalidURL(baseURL)
        }
        guard scheme == "http" else { throw .invalidURL("\(baseURL) (only http:// is supported)") }
        self.host = host
        self.port = components.port ?? 80
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        self.basePath = path
        self.token = token?.isEmpty == true ? nil : token
        self.timeout = timeout
    }

    /// The methods the API uses.
    public enum Method: String, Sendable {
        case GET, POST, PUT, DELETE, PATCH

        var nio: HTTPMethod {
            switch self {
            case .GET: .GET
            case .POST: .POST
            case .PUT: .PUT
            case .DELETE: .DELETE
            case .PATCH: .PATCH
            }
        }
    }

    /// A response, whatever its status.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: Data

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    // MARK: Typed calls

    /// Sends a request; a status of 400 or more becomes ``ControlClientError/api(status:code:message:)``.
    public func send(_ method: Method, _ path: String, query: [(String, String)] = [], body: Data? = nil,
                     contentType: String = "application/json") async throws(ControlClientError) -> Response {
        let response = try await raw(method, path, query: query, body: body, contentType: contentType)
        guard response.status < 400 else { throw ControlClientError.from(response) }
        return response
    }

    public func get<T: Decodable>(_ type: T.Type, _ path: String,
                                  query: [(String, String)] = []) async throws(ControlClientError) -> T {
        try decode(type, try await send(.GET, path, query: query))
    }

    public func post<T: Decodable>(_ type: T.Type, _ path: String,
                                   body: some Encodable) async throws(ControlClientError) -> T {
        try decode(type, try await send(.POST, path, body: try encode(body)))
    }

    /// POST whose answer has no body worth decoding (204, 202).
    public func post(_ path: String, body: some Encodable) async throws(ControlClientError) {
        _ = try await send(.POST, path, body: try encode(body))
    }

    func encode(_ value: some Encodable) throws(ControlClientError) -> Data {
        do {
            return try ControlJSON.encode(value)
        } catch {
            throw .invalidResponse("cannot encode the request: \(error)")
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ response: Response) throws(ControlClientError) -> T {
        do {
            return try ControlJSON.decode(type, from: response.body)
        } catch {
            throw .invalidResponse("unexpected answer from the API: \(error)")
        }
    }

    /// Percent-encodes one path segment (ids may hold any character).
    public static func segment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    func target(_ path: String, query: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        var uri = basePath + path
        if !query.isEmpty {
            uri += "?" + query.map { key, value in
                "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
            }.joined(separator: "&")
        }
        return uri
    }

    // MARK: HTTP

    /// Sends one request and reads the whole response, within ``timeout``.
    public func raw(_ method: Method, _ path: String, query: [(String, String)] = [], body: Data? = nil,
                    contentType: String = "application/json",
                    headers extra: [(String, String)] = []) async throws(ControlClientError) -> Response {
        let uri = target(path, query: query)
        do {
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask {
                    try await exchange(method, uri, body: body, contentType: contentType, extra: extra) { _ in true }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else {
                    throw ControlClientError.timeout(uri)
                }
                return response
            }
        } catch let error as ControlClientError {
            throw error
        } catch {
            throw .connection("\(host):\(port): \(error)")
        }
    }

    /// Reads a Server-Sent Events stream, calling `handle` for each message until it returns
    /// false, the server ends the stream, or the task is cancelled.
    public func stream(_ path: String, query: [(String, String)] = [], headers: [(String, String)] = [],
                       until handle: @escaping @Sendable (EventStreamMessage) async -> Bool) async throws(ControlClientError) {
        let uri = target(path, query: query)
        let parser = ControlLock(EventStreamParser())
        let response: Response
        do {
            response = try await exchange(.GET, uri, body: nil, contentType: "application/json",
                                          extra: [("Accept", "text/event-stream")] + headers) { chunk in
                let events = parser.withLock { $0.feed(chunk) }
                for event in events where !(await handle(event)) { return false }
                return true
            }
        } catch let error as ControlClientError {
            throw error
        } catch {
            throw .connection("\(host):\(port): \(error)")
        }
        if response.status >= 400 { throw ControlClientError.from(response) }
    }

    /// One request on its own connection. `onBody` sees each body chunk as it arrives (the
    /// whole body is also collected unless it returns false, which closes the connection).
    private func exchange(_ method: Method, _ uri: String, body: Data?, contentType: String,
                          extra: [(String, String)],
                          onBody: @escaping @Sendable ([UInt8]) async -> Bool) async throws -> Response {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: port == 80 ? host : "\(host):\(port)")
        headers.add(name: "User-Agent", value: "parley-control")
        headers.add(name: "Connection", value: "close")
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            headers.add(name: "Content-Type", value: contentType)
            headers.add(name: "Content-Length", value: String(body.count))
        } else if method == .POST || method == .PUT {
            headers.add(name: "Content-Length", value: "0")
        }
        for (name, value) in extra { headers.add(name: name, value: value) }
        let head = HTTPRequestHead(version: .http1_1, method: method.nio, uri: uri, headers: headers)
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(.head(head))
            if let body, !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            try await outbound.write(.end(nil))
            var response = Response(status: 0, headers: [], body: Data())
            var streaming = true
            for try await part in inbound {
                switch part {
                case .head(let responseHead):
                    response.status = Int(responseHead.status.code)
                    response.headers = responseHead.headers.map { ($0.name, $0.value) }
                case .body(var buffer):
                    let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
                    if streaming && response.status < 400 {
                        streaming = await onBody(bytes)
                        if !streaming { return response }
                    }
                    response.body.append(contentsOf: bytes)
                case .end:
                    return response
                }
            }
            guard response.status > 0 else { throw ControlClientError.connection("the server closed the connection") }
            return response
        }
    }
}
