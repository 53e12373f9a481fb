import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP/1.1 server on 127.0.0.1 (a free port) that answers from a script: the test
/// queues replies per path (a chat-completions stream, a JSON body, an error status) and
/// reads back every request it received. Built on SwiftNIO directly.
///
/// Binary replies (`bytes`) and bodies streamed in timed pieces (`stream`, chunked transfer
/// encoding) serve audio endpoints; `delayed` holds any reply back. A streamed reply stops
/// writing when the client closes the connection, and counts that in ``abandonedStreams``.
public final class ScriptedHTTPServer: @unchecked Sendable {
    public enum Reply: Sendable {
        /// `text/event-stream`: each element is written (and flushed) as one `data:` event.
        case events([String], headers: [(String, String)] = [])
        case body(status: Int, text: String, headers: [(String, String)] = [])
        /// A binary body with a `content-length`.
        case bytes(status: Int, body: [UInt8], contentType: String, headers: [(String, String)] = [])
        /// A chunked body: the first piece at once, then one piece every `interval`, each flushed.
        /// With `holdLast`, the last piece (and the end) waits for ``releaseHeldStreams()``.
        case stream(status: Int, chunks: [[UInt8]], interval: Duration, contentType: String,
                    headers: [(String, String)] = [], holdLast: Bool = false)
        /// `reply`, sent `delay` after the request arrived.
        indirect case delayed(Duration, Reply)
    }

    public struct Request: Sendable {
        public var method: String
        public var uri: String
        public var headers: [(String, String)]
        /// The body as UTF-8 text (invalid bytes replaced); ``bodyBytes`` holds it exactly.
        public var body: String
        public var bodyBytes: [UInt8] = []

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
    private var abandoned = 0
    private var held: [@Sendable () -> Void] = []
    private var released = false
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

    /// Streamed replies whose connection closed before their last piece was written.
    public var abandonedStreams: Int {
        lock.withLock { abandoned }
    }

    /// Lets every stream held before its last piece go on (and any held later, at once).
    public func releaseHeldStreams() {
        let waiting = lock.withLock { () -> [@Sendable () -> Void] in
            released = true
            defer { held.removeAll() }
            return held
        }
        for resume in waiting { resume() }
    }

    /// Runs `resume` now if streams were released, else when they are.
    fileprivate func holdStream(_ resume: @escaping @Sendable () -> Void) {
        let now = lock.withLock { () -> Bool in
            if released { return true }
            held.append(resume)
            return false
        }
        if now { resume() }
    }

    fileprivate func streamAbandoned() {
        lock.withLock { abandoned += 1 }
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
        var isOpen = true

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
                let bytes = Array(body.readableBytesView)
                let request = Request(method: head.method.rawValue, uri: head.uri,
                                      headers: head.headers.map { ($0.name, $0.value) },
                                      body: String(decoding: bytes, as: UTF8.self), bodyBytes: bytes)
                respond(server.handle(request), context: context)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            isOpen = false
            context.fireChannelInactive()
        }

        private static func timeAmount(_ duration: Duration) -> TimeAmount {
            .nanoseconds(max(0, duration.components.seconds) * 1_000_000_000
                + max(0, duration.components.attoseconds / 1_000_000_000))
        }

        /// Writes `chunks[index...]`, one per `interval`, then the end (or stops when closed).
        private func writeStream(_ chunks: [[UInt8]], from index: Int, interval: Duration, holdLast: Bool,
                                 context: NIOLoopBound<ChannelHandlerContext>) {
            if holdLast, index == chunks.count - 1 {
                let eventLoop = context.value.eventLoop
                server.holdStream { [self] in
                    eventLoop.execute { self.writeStream(chunks, from: index, interval: interval, holdLast: false, context: context) }
                }
                return
            }
            let context = context.value
            guard isOpen, context.channel.isActive else {
                server.streamAbandoned()
                return
            }
            guard index < chunks.count else {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            let buffer = context.channel.allocator.buffer(bytes: chunks[index])
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: Self.timeAmount(interval)) { [self] in
                writeStream(chunks, from: index + 1, interval: interval, holdLast: holdLast, context: bound)
            }
        }

        private func respond(_ reply: Reply, context: ChannelHandlerContext) {
            switch reply {
            case .delayed(let delay, let inner):
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: Self.timeAmount(delay)) { [self] in
                    let context = bound.value
                    guard isOpen, context.channel.isActive else { return }
                    respond(inner, context: context)
                }
            case .bytes(let status, let body, let contentType, let extra):
                var headers = HTTPHeaders([("content-type", contentType), ("content-length", String(body.count))])
                for (name, value) in extra { headers.add(name: name, value: value) }
                let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .stream(let status, let chunks, let interval, let contentType, let extra, let holdLast):
                var headers = HTTPHeaders([("content-type", contentType)])
                for (name, value) in extra { headers.add(name: name, value: value) }
                let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
                context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
                writeStream(chunks, from: 0, interval: interval, holdLast: holdLast,
                            context: NIOLoopBound(context, eventLoop: context.eventLoop))
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
