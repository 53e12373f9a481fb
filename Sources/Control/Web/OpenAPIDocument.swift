/// The control API's OpenAPI 3.1 document (`docs/openapi.yaml`), served at
/// `GET /openapi.yaml`. Its text is generated into `OpenAPIDocument+Head.swift` and
/// `OpenAPIDocument+Components.swift` by `PARLEY_UPDATE_OPENAPI=1 swift test --filter
/// OpenAPITests`; a test fails whenever the served text and the file differ.
enum OpenAPIDocument {
    static let yaml = head + components
}
