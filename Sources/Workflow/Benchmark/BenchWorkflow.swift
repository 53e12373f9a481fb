/// The smallest useful workflow, for measuring the engine rather than the logic: a signal adds
/// its value and, if asked, emits it back as an effect; an update sets the total and answers.
struct BenchWorkflow: WorkflowDefinition {
    static let typeName = "bench"
    let version = "bench-1"

    struct State: WireCodable, Equatable {
        var total: Int64 = 0
        var count: Int64 = 0

        init() {}

        func encode(to writer: inout WireWriter) {
            writer.write(signed: total)
            writer.write(signed: count)
        }

        init(from reader: inout WireReader) throws(WireError) {
            total = try reader.readSigned()
            count = try reader.readSigned()
        }
    }

    struct Signal: WireCodable {
        var value: Int64
        var echo: Bool

        func encode(to writer: inout WireWriter) {
            writer.write(signed: value)
            writer.write(bool: echo)
        }

        init(value: Int64, echo: Bool) {
            self.value = value
            self.echo = echo
        }

        init(from reader: inout WireReader) throws(WireError) {
            value = try reader.readSigned()
            echo = try reader.readBool()
        }
    }

    typealias Input = Int64
    typealias Update = Int64
    typealias UpdateReply = Int64
    typealias Activity = Int64
    typealias ActivityOutput = Int64
    typealias Effect = Int64
    typealias Result = Int64

    func initialState(input: Int64) -> State {
        var state = State()
        state.total = input
        return state
    }

    func reduce(state: inout State, event: WorkflowEvent<BenchWorkflow>,
                context: inout WorkflowContext) -> [WorkflowCommand<BenchWorkflow>] {
        state.count += 1
        switch event {
        case .signal(let signal):
            state.total &+= signal.value
            return signal.echo ? [.emit(signal.value)] : []
        case .update(let id, let value):
            state.total = value
            return [.answerUpdate(id, .success(value))]
        default:
            return []
        }
    }
}

/// The benchmark's typed update.
enum BenchSet: UpdateDefinition {
    typealias Workflow = BenchWorkflow
    static func validate(_ input: Int64, state: BenchWorkflow.State) throws(UpdateRejection) {
        if input < 0 { throw UpdateRejection("negative") }
    }
    static func update(_ input: Int64) -> Int64 { input }
    static func output(from reply: Int64) -> Int64? { reply }
}
