/// Races two brains: the secondary starts when the primary has not answered within `after`;
/// the first answer wins and the other request is cancelled. If both fail, the primary's
/// error is thrown (so its retry hints, such as Retry-After, still apply).
public struct HedgedBrain: AgentBrain {
    public let primary: any AgentBrain
    public let secondary: any AgentBrain
    public let after: Duration
    let sleep: @Sendable (Duration) async throws -> Void

    public init(primary: any AgentBrain, secondary: any AgentBrain, after: Duration,
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.primary = primary
        self.secondary = secondary
        self.after = after
        self.sleep = sleep
    }

    private enum Outcome: Sendable {
        case primary(Result<BrainResponse, any Error>)
        case secondary(Result<BrainResponse, any Error>)
    }

    public func respond(to request: BrainRequest) async throws -> BrainResponse {
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            let primary = self.primary
            let secondary = self.secondary
            let sleep = self.sleep
            let after = self.after
            group.addTask {
                do { return .primary(.success(try await primary.respond(to: request))) } catch { return .primary(.failure(error)) }
            }
            group.addTask {
                do {
                    try await sleep(after)
                    return .secondary(.success(try await secondary.respond(to: request)))
                } catch {
                    return .secondary(.failure(error))
                }
            }
            var primaryError: (any Error)?
            var secondaryError: (any Error)?
            while let outcome = try await group.next() {
                switch outcome {
                case .primary(.success(let response)), .secondary(.success(let response)):
                    group.cancelAll()
                    return response
                case .primary(.failure(let error)):
                    primaryError = error
                case .secondary(.failure(let error)):
                    secondaryError = error
                }
            }
            throw primaryError ?? secondaryError ?? BrainError.badResponse("no answer from either brain")
        }
    }

    public func summarize(_ request: BrainRequest) async throws -> String {
        do {
            return try await primary.summarize(request)
        } catch {
            return try await secondary.summarize(request)
        }
    }
}
