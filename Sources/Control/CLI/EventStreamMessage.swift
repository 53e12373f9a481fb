/// One Server-Sent Events message (WHATWG HTML §9.2): its `event` name ("message" when
/// absent), `data` (lines joined with "\n") and `id`.
public struct EventStreamMessage: Sendable, Equatable {
    public var event: String
    public var data: String
    public var id: String?

    public init(event: String = "message", data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }
}
