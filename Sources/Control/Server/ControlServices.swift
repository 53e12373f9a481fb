/// What the control server serves, each part optional so a host can compose only what it has.
/// A route whose part is missing answers 503 `unavailable`.
public struct ControlServices: Sendable {
    public var switchControl: (any SwitchControl)?
    public var conversations: (any ConversationControl)?
    public var agents: (any AgentCatalogControl)?
    public var callRecords: CallRecordStore?
    public var metrics: ParleyMetrics?
    public var events: ControlEventBus

    public init(switchControl: (any SwitchControl)? = nil, conversations: (any ConversationControl)? = nil,
                agents: (any AgentCatalogControl)? = nil, callRecords: CallRecordStore? = nil,
                metrics: ParleyMetrics? = nil, events: ControlEventBus = ControlEventBus()) {
        self.switchControl = switchControl
        self.conversations = conversations
        self.agents = agents
        self.callRecords = callRecords
        self.metrics = metrics
        self.events = events
    }

    func requireSwitch() throws(ControlError) -> any SwitchControl {
        guard let switchControl else { throw .unavailable("the switch is not attached to the control API") }
        return switchControl
    }

    func requireConversations() throws(ControlError) -> any ConversationControl {
        guard let conversations else { throw .unavailable("the workflow engine is not attached to the control API") }
        return conversations
    }

    func requireAgents() throws(ControlError) -> any AgentCatalogControl {
        guard let agents else { throw .unavailable("the agent catalog is not attached to the control API") }
        return agents
    }

    func requireCallRecords() throws(ControlError) -> CallRecordStore {
        guard let callRecords else { throw .unavailable("call records are not attached to the control API") }
        return callRecords
    }

    func requireMetrics() throws(ControlError) -> ParleyMetrics {
        guard let metrics else { throw .unavailable("metrics are not attached to the control API") }
        return metrics
    }
}
