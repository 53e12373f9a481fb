import Foundation
import Hummingbird
import NIOCore

/// Small helpers every route uses: JSON in and out, path and query parameters, all turning
/// bad input into a 400 ``ControlError`` rather than a trap or a bare 500.
enum HTTPSupport {
    static let jsonType = "application/json; charset=utf-8"

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws(ControlError) -> Response {
        let data: Data
        do {
            data = try ControlJSON.encode(value)
        } catch {
            throw .internalError("encoding the response: \(error)")
        }
        return Response(status: status, headers: [.contentType: jsonType],
                         body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok,
                     extraHeaders: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        headers.append(contentsOf: extraHeaders)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func noContent() -> Response {
        Response(status: .noContent)
    }

    static func errorResponse(_ error: ControlError, extraHeaders: HTTPFields = [:]) -> Response {
        let body = (try? ControlJSON.encode(ControlErrorBody(error))) ?? Data("{\"error\":{}}".utf8)
        var headers: HTTPFields = [.contentType: jsonType]
        headers.append(contentsOf: extraHeaders)
        return Response(status: HTTPResponse.Status(code: error.statusCode), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The whole body, up to `limit` bytes.
    static func body(_ request: Request, limit: Int) async throws(ControlError) -> Data {
        do {
            var buffer = try await request.body.collect(upTo: limit)
            return Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch is NIOTooManyBytesError {
            throw ControlError(statusCode: 413, code: .payloadTooLarge,
                               message: "the request body is larger than \(limit) bytes")
        } catch {
            throw .badRequest("the request body could not be read")
        }
    }

    /// Decodes the JSON body; an empty body decodes as `empty` when one is given.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int,
                                     empty: T? = nil) async throws(ControlError) -> T {
        let data = try await body(request, limit: limit)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            if let empty { return empty }
            throw .badJSON("the request needs a JSON body")
        }
        do {
            return try ControlJSON.decode(type, from: data)
        } catch let error as DecodingError {
            throw .badJSON(describe(error))
        } catch {
            throw .badJSON("the body is not valid JSON")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the body" : "\"\(keys.joined(separator: "."))\""
        }
        switch error {
        case .keyNotFound(let key, let context):
            let where_ = context.codingPath.isEmpty ? "" : " in \(path(context))"
            return "missing field \"\(key.stringValue)\"\(where_)"
        case .typeMismatch(let type, let context):
            return "\(path(context)) should be of type \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context)) must not be null (expected \(type))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the body is not valid JSON" }
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "the body does not match the expected JSON"
        }
    }

    /// A path parameter, percent-decoded.
    static func parameter(_ name: String, _ context: some RequestContext) throws(ControlError) -> String {
        guard let raw = context.parameters.get(name) else { throw .badRequest("missing path parameter \(name)") }
        guard let decoded = raw.removingPercentEncoding, !decoded.isEmpty else {
            throw .badRequest("path parameter \(name) is not valid percent-encoding")
        }
        return decoded
    }

    static func query(_ request: Request, _ name: String) -> String? {
        guard let value = request.uri.queryParameters[Substring(name)] else { return nil }
        let text = String(value)
        return text.isEmpty ? nil : text
    }

    static func queryDate(_ request: Request, _ name: String) throws(ControlError) -> Date? {
        guard let text = query(request, name) else { return nil }
        guard let date = ControlJSON.parseTimestamp(text) else {
            throw .badRequest("query parameter \(name) must be an RFC 3339 timestamp or a YYYY-MM-DD date")
        }
        return date
    }

    static func queryInt(_ request: Request, _ name: String, range: ClosedRange<Int>) throws(ControlError) -> Int? {
        guard let text = query(request, name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .badRequest("query parameter \(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    static func queryEnum<E: RawRepresentable & CaseIterable>(_ request: Request, _ name: String,
                                                              _ type: E.Type) throws(ControlError) -> E?
    where E.RawValue == String {
        guard let text = query(request, name) else { return nil }
        guard let value = E(rawValue: text) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw .badRequest("query parameter \(name) must be one of: \(allowed)")
        }
        return value
    }
}

extension ControlError: HTTPResponseError {
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        HTTPSupport.errorResponse(self)
    }
}
