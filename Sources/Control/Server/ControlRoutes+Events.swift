import Foundation
import Hummingbird
import NIOCore

/// The live event stream as Server-Sent Events (`GET /events`) and the recent events as JSON
/// (`GET /events/recent`). Both take `types` (comma-separated event types), `call` and
/// `conversation` filters; the stream resumes after `Last-Event-ID` (or `?after=`).
extension ControlRoutes {
    func registerEvents(on router: Router<Context>) {
        router.get("/events/recent") { request, _ -> Response in
            let filter = try EventFilter(request)
            return try HTTPSupport.json(services.events.recent().filter(filter.accepts))
        }
        router.get("/events") { request, _ -> Response in
            let filter = try EventFilter(request)
            let lastEventID = request.headers[.lastEventID].flatMap { UInt64($0) }
            let after = try lastEventID ?? HTTPSupport.queryInt(request, "after", range: 0...Int.max).map(UInt64.init)
            let subscription = services.events.subscribe(after: after)
            guard let registration = streams.register(subscription) else {
                subscription.cancel()
                throw ControlError.unavailable("the server is shutting down")
            }
            let heartbeat = configuration.heartbeatSeconds
            let body = ResponseBody { [streams] writer in
                defer { streams.unregister(registration) }
                try await Self.stream(subscription, filter: filter, heartbeatSeconds: heartbeat, to: &writer)
            }
            return Response(status: .ok, headers: [
                .contentType: "text/event-stream; charset=utf-8",
                .cacheControl: "no-cache",
                .xAccelBuffering: "no",
            ], body: body)
        }
    }

    /// Writes SSE frames until the client goes away, the server stops, or the bus finishes.
    static func stream(_ subscription: ControlEventSubscription, filter: EventFilter, heartbeatSeconds: Int,
                       to writer: inout any ResponseBodyWriter) async throws {
        let beat = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(heartbeatSeconds))
                subscription.heartbeat()
            }
        }
        defer {
            beat.cancel()
            subscription.cancel()
        }
        let encoder = ControlJSON.encoder()
        try await writer.write(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
        var reportedDrops = 0
        for await delivery in subscription.deliveries {
            if Task.isCancelled { break }
            let dropped = subscription.dropped
            if dropped > reportedDrops {
                try await writer.write(ByteBuffer(string: "event: dropped\ndata: {\"dropped\":\(dropped)}\n\n"))
                reportedDrops = dropped
            }
            switch delivery {
            case .heartbeat:
                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
            case .event(let envelope):
                guard filter.accepts(envelope) else { continue }
                let data = try encoder.encode(envelope)
                var frame = ByteBuffer(string: "id: \(envelope.sequence)\nevent: \(envelope.event.type)\ndata: ")
                frame.writeBytes(data)
                frame.writeString("\n\n")
                try await writer.write(frame)
            }
        }
        try await writer.finish(nil)
    }
}

/// Which events a client wants.
struct EventFilter: Sendable {
    var types: Set<String>?
    var call: CallID?
    var conversation: String?

    init(_ request: Request) throws(ControlError) {
        if let list = HTTPSupport.query(request, "types") {
            let names = Set(list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            let unknown = names.subtracting(ControlEvent.allTypes)
            guard unknown.isEmpty else {
                throw .badRequest("unknown event types: \(unknown.sorted().joined(separator: ", "))")
            }
            types = names
        }
        call = HTTPSupport.query(request, "call").map(CallID.init)
        conversation = HTTPSupport.query(request, "conversation")
    }

    func accepts(_ envelope: ControlEventEnvelope) -> Bool {
        if let types, !types.contains(envelope.event.type) { return false }
        if let call, envelope.callID != call { return false }
        if let conversation, envelope.conversationID != conversation { return false }
        return true
    }
}

/// `HTTPField.Name`, reached through the `HTTPFields` type Hummingbird re-exports (so Control
/// needs no direct dependency on swift-http-types).
typealias HeaderName = HTTPFields.Element.Name

extension HeaderName {
    // Valid header names written as literals: the initializer only fails on invalid tokens.
    static let lastEventID = HeaderName("Last-Event-ID")!
    static let xAccelBuffering = HeaderName("X-Accel-Buffering")!
    static let xContentTypeOptions = HeaderName("X-Content-Type-Options")!
}
