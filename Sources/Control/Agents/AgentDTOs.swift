import Foundation

/// One agent definition and its versions (`GET /agents`).
public struct AgentSummary: Codable, Sendable, Equatable {
    public var name: String
    public var description: String?
    /// The version new calls use (the content hash of the current file).
    public var currentVersion: String
    /// Stored versions, newest first; conversations stay pinned to the one they started with.
    public var versions: [AgentVersionSummary]

    public init(name: String, description: String? = nil, currentVersion: String, versions: [AgentVersionSummary]) {
        self.name = name
        self.description = description
        self.currentVersion = currentVersion
        self.versions = versions
    }
}

public struct AgentVersionSummary: Codable, Sendable, Equatable {
    /// The definition's content hash.
    public var version: String
    public var loadedAt: Date?
    /// The file it was loaded from.
    public var source: String?

    public init(version: String, loadedAt: Date? = nil, source: String? = nil) {
        self.version = version
        self.loadedAt = loadedAt
        self.source = source
    }
}

/// A definition file to validate (`POST /agents/validate`, as JSON, or the raw YAML body).
public struct AgentDefinitionText: Codable, Sendable, Equatable {
    /// The file's name, used in problem locations.
    public var fileName: String?
    public var content: String

    public init(fileName: String? = nil, content: String) {
        self.fileName = fileName
        self.content = content
    }
}

/// The result of a validation: valid with its would-be version, or the problems found.
public struct AgentValidationReport: Codable, Sendable, Equatable {
    public var valid: Bool
    public var name: String?
    /// The content hash the definition would be stored under.
    public var version: String?
    public var problems: [AgentProblem]

    public init(valid: Bool, name: String? = nil, version: String? = nil, problems: [AgentProblem] = []) {
        self.valid = valid
        self.name = name
        self.version = version
        self.problems = problems
    }
}

/// One problem in a definition file, with where it is.
public struct AgentProblem: Codable, Sendable, Equatable {
    public var message: String
    public var line: Int?
    public var column: Int?
    /// The key path ("tools[2].url").
    public var path: String?

    public init(message: String, line: Int? = nil, column: Int? = nil, path: String? = nil) {
        self.message = message
        self.line = line
        self.column = column
        self.path = path
    }
}
