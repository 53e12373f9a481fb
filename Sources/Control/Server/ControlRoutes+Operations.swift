import Foundation
import Hummingbird

/// Agents, call records, metrics, health, the OpenAPI document and the web page.
extension ControlRoutes {
    func registerAgents(on router: Router<Context>) {
        router.get("/agents") { _, _ -> Response in
            try HTTPSupport.json(try await services.requireAgents().agents())
        }
        // JSON (`{"fileName": ..., "content": ...}`) or the raw YAML file as the body.
        router.post("/agents/validate") { request, _ -> Response in
            let source: AgentDefinitionText
            let contentType = request.headers[.contentType]?.lowercased() ?? ""
            if contentType.hasPrefix("application/json") {
                source = try await HTTPSupport.decode(AgentDefinitionText.self, from: request, limit: bodyLimit)
            } else {
                let data = try await HTTPSupport.body(request, limit: bodyLimit)
                guard let text = String(data: data, encoding: .utf8) else {
                    throw ControlError.badRequest("the definition is not UTF-8 text")
                }
                source = AgentDefinitionText(fileName: HTTPSupport.query(request, "fileName"), content: text)
            }
            guard !source.content.isEmpty else { throw ControlError.badRequest("the definition is empty") }
            return try HTTPSupport.json(try await services.requireAgents().validate(source))
        }
    }

    func registerCallRecords(on router: Router<Context>) {
        router.get("/cdrs") { request, _ -> Response in
            let query = CallRecordQuery(
                since: try HTTPSupport.queryDate(request, "since"),
                until: try HTTPSupport.queryDate(request, "until"),
                from: HTTPSupport.query(request, "from"),
                to: HTTPSupport.query(request, "to"),
                trunk: HTTPSupport.query(request, "trunk"),
                disposition: try HTTPSupport.queryEnum(request, "disposition", CallDisposition.self),
                direction: try HTTPSupport.queryEnum(request, "direction", CallDirection.self),
                conversationID: HTTPSupport.query(request, "conversation"),
                callID: HTTPSupport.query(request, "call").map(CallID.init),
                limit: try HTTPSupport.queryInt(request, "limit", range: 1...CallRecordQuery.maximumLimit) ?? 1_000,
                offset: try HTTPSupport.queryInt(request, "offset", range: 0...Int(Int32.max)) ?? 0)
            let records = try await services.requireCallRecords().records(query)
            switch HTTPSupport.query(request, "format") ?? "json" {
            case "json":
                return try HTTPSupport.json(records)
            case "csv":
                return HTTPSupport.text(CallRecordCSV.render(records), contentType: "text/csv; charset=utf-8",
                                        extraHeaders: [.contentDisposition: "attachment; filename=\"parley-cdrs.csv\""])
            case let other:
                throw ControlError.badRequest("format must be json or csv, not \(other)")
            }
        }
    }

    func registerStatic(on router: Router<Context>) {
        router.get("/") { _, _ -> Response in
            HTTPSupport.text(WebPage.html, contentType: "text/html; charset=utf-8", extraHeaders: Self.pageHeaders)
        }
        router.get("/app.js") { _, _ -> Response in
            HTTPSupport.text(WebPage.script, contentType: "text/javascript; charset=utf-8",
                             extraHeaders: Self.pageHeaders)
        }
        router.get("/app.css") { _, _ -> Response in
            HTTPSupport.text(WebPage.styles, contentType: "text/css; charset=utf-8", extraHeaders: Self.pageHeaders)
        }
        router.get("/openapi.yaml") { _, _ -> Response in
            HTTPSupport.text(OpenAPIDocument.yaml, contentType: "application/yaml; charset=utf-8")
        }
        router.get("/health") { _, _ -> Response in
            try HTTPSupport.json(["status": "ok"])
        }
        router.get("/metrics") { _, _ -> Response in
            let metrics = try services.requireMetrics()
            return HTTPSupport.text(metrics.render(bus: services.events),
                                    contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }

    /// Everything the page needs is served from here: no CDN, no inline script.
    static var pageHeaders: HTTPFields {
        [
            .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
            .cacheControl: "no-cache",
            .xContentTypeOptions: "nosniff",
        ]
    }
}
