import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP/1.1 server on 127.0.0.1 (a free port) that answers from a script: the test
/// queues replies per path (a chat-completions stream, a JSON body, an error status) and
/// reads back every request it received. Built on SwiftNIO directly.
public final class ScriptedHTTPServer: @unchecked Sendable {
    public enum Reply: Sendable {
        /// `text/event-stream`: each element is written (and flushed) as one `data:` event.
        case events([String], headers: [(String, String)] = [])
        case body(status: Int, text: String, headers: [(String, String)] = [])
    }

    public struct Request: Sendable {
        public var method: String
        public var uri: String
        public var headers: [(String, String)]
        public var body: String

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }
    }

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channel: Channel?
    private let lock = NSLock()
    private var scripts: [String: [Reply]] = [:]
    private var received: [Request] = []
    public private(set) var port = 0

    public init() throws {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(server: self))
                }
            }
        let channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        self.channel = channel
        port = channel.localAddress?.port ?? 0
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public func enqueue(_ reply: Reply, for path: String) {
        lock.withLock { scripts[path, default: []].append(reply) }
    }

    public var requests: [Request] {
        lock.withLock { received }
    }

    public func requests(to path: String) -> [Request] {
        requests.filter { $0.uri.hasPrefix(path) }
    }

    fileprivate func handle(_ request: Request) -> Reply {
        lock.withLock {
            received.append(request)
            let path = String(request.uri.split(separator: "?", maxSplits: 1).first ?? "")
            guard var queue = scripts[path], !queue.isEmpty else {
                return .body(status: 500, text: "no scripted reply for \(path)")
            }
            let reply = queue.removeFirst()
            scripts[path] = queue
            return reply
        }
    }

    public func stop() {
        try? channel?.close().wait()
        try? group.syncShutdownGracefully()
    }

    /// Streaming helpers for chat completions.
    public static func textChunks(_ parts: [String]) -> [String] {
        parts.map { part in
            let escaped = part.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return #"{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"\#(escaped)"}}]}"#
        } + [#"{"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#, "[DONE]"]
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let server: ScriptedHTTPServer
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(server: ScriptedHTTPServer) {
            self.server = server
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body.clear()
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard let head else { return }
                let request = Request(method: head.method.rawValue, uri: head.uri,
                                      headers: head.headers.map { ($0.name, $0.value) },
                                      body: body.readString(length: body.readableBytes) ?? "")
                respond(server.handle(request), context: context)
            }
        }

        private func respond(_ reply: Reply, context: ChannelHandlerContext) {
            switch reply {
            case .events(let events, let extra):
                var headers = HTTPHeaders([("content-type", "text/event-stream"), ("cache-control", "no-cache")])
                for (name, value) in extra { headers.add(name: name, value: value) }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                              promise: nil)
                for event in events {
                    let buffer = context.channel.allocator.buffer(string: "data: \(event)\n\n")
                    context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
                }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .body(let status, let text, let extra):
                var headers = HTTPHeaders([("content-type", "application/json"), ("content-length", String(text.utf8.count))])
                for (name, value) in extra { headers.add(name: name, value: value) }
                let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
