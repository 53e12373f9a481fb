import Hummingbird

/// Conversations (workflows): list, history, signals, updates, queries.
extension ControlRoutes {
    func registerConversations(on router: Router<Context>) {
        router.get("/conversations") { request, _ -> Response in
            let filter = ConversationFilter(
                status: try HTTPSupport.queryEnum(request, "status", ConversationStatus.self),
                type: HTTPSupport.query(request, "type"),
                agent: HTTPSupport.query(request, "agent"),
                caller: HTTPSupport.query(request, "caller"),
                since: try HTTPSupport.queryDate(request, "since"),
                until: try HTTPSupport.queryDate(request, "until"),
                limit: try HTTPSupport.queryInt(request, "limit", range: 1...10_000) ?? 100,
                offset: try HTTPSupport.queryInt(request, "offset", range: 0...1_000_000) ?? 0)
            return try HTTPSupport.json(try await services.requireConversations().list(filter))
        }
        router.get("/conversations/{id}") { _, context -> Response in
            let id = try HTTPSupport.parameter("id", context)
            return try HTTPSupport.json(try await services.requireConversations().history(id).conversation)
        }
        router.get("/conversations/{id}/history") { _, context -> Response in
            let id = try HTTPSupport.parameter("id", context)
            return try HTTPSupport.json(try await services.requireConversations().history(id))
        }
        router.post("/conversations/{id}/signals") { request, context -> Response in
            let id = try HTTPSupport.parameter("id", context)
            let signal = try await HTTPSupport.decode(SignalPayload.self, from: request, limit: bodyLimit)
            let receipt = try await services.requireConversations().signal(id, try signal.validated())
            return try HTTPSupport.json(receipt, status: .accepted)
        }
        router.post("/conversations/{id}/updates") { request, context -> Response in
            let id = try HTTPSupport.parameter("id", context)
            let update = try await HTTPSupport.decode(UpdatePayload.self, from: request, limit: bodyLimit)
            return try HTTPSupport.json(try await services.requireConversations().update(id, update))
        }
        router.get("/conversations/{id}/queries/{name}") { _, context -> Response in
            let id = try HTTPSupport.parameter("id", context)
            let name = try HTTPSupport.parameter("name", context)
            guard let query = QueryName(rawValue: name) else {
                let known = QueryName.allCases.map(\.rawValue).joined(separator: ", ")
                throw ControlError(statusCode: 404, code: .unknownRoute, message: "no query \(name); known: \(known)")
            }
            return try HTTPSupport.json(try await services.requireConversations().query(id, query))
        }
    }
}
