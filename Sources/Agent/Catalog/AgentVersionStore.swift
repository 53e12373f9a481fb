import Foundation
import GRDB
import Workflow

/// One stored agent version, as listed.
public struct AgentVersionInfo: Sendable, Equatable {
    public var name: String
    /// The content hash.
    public var version: String
    public var source: String
    /// When this process first stored it (milliseconds since the epoch).
    public var storedAtMilliseconds: Int64
}

/// Why the catalog's storage failed.
public enum AgentCatalogError: Error, Equatable, Sendable, CustomStringConvertible {
    case storage(String)
    /// A stored version no longer parses, or parses to a different hash.
    case corrupt(version: String, detail: String)

    public var description: String {
        switch self {
        case .storage(let detail): "agent catalog storage: \(detail)"
        case .corrupt(let version, let detail): "stored agent version \(version) is unusable: \(detail)"
        }
    }
}

/// Agent versions in SQLite, immutable and keyed by content hash: the normalised file and the
/// files it read, exactly what the hash covers, so any version can be rebuilt without the
/// files on disk.
final class AgentVersionStore: Sendable {
    let database: DatabaseQueue

    struct Stored: Sendable {
        var name: String
        var source: String
        var text: String
        var files: [AgentResource]
    }

    init(path: String) throws(AgentCatalogError) {
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            database = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch {
            throw .storage("opening \(path): \(error)")
        }
    }

    /// Named, append-only migrations.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-21-agent-versions") { db in
            try db.execute(sql: """
                CREATE TABLE agent_version (
                    hash TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    source TEXT NOT NULL,
                    stored_at INTEGER NOT NULL,
                    definition TEXT NOT NULL,
                    files BLOB NOT NULL
                );
                CREATE INDEX agent_version_by_name ON agent_version(name, stored_at);
                """)
        }
        return migrator
    }

    /// Stores a version unless that hash is already there (same hash, same content).
    /// Returns whether it was new.
    @discardableResult
    func save(_ loaded: AgentDefinitionLoader.LoadedVersion, at milliseconds: Int64) throws(AgentCatalogError) -> Bool {
        var writer = WireWriter()
        writer.write(varint: UInt64(loaded.files.count))
        for file in loaded.files {
            writer.write(string: file.path)
            writer.write(string: file.text)
        }
        let blob = Data(writer.bytes)
        do {
            return try database.write { db in
                try db.execute(sql: """
                    INSERT OR IGNORE INTO agent_version (hash, name, source, stored_at, definition, files)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [loaded.definition.version, loaded.definition.name, loaded.definition.source,
                                     milliseconds, loaded.normalizedText, blob])
                return db.changesCount > 0
            }
        } catch {
            throw .storage(String(describing: error))
        }
    }

    func load(version: String) throws(AgentCatalogError) -> Stored? {
        let row: Row?
        do {
            row = try database.read { db in
                try Row.fetchOne(db, sql: "SELECT name, source, definition, files FROM agent_version WHERE hash = ?",
                                 arguments: [version])
            }
        } catch {
            throw .storage(String(describing: error))
        }
        guard let row else { return nil }
        let blob = (row["files"] as Data?).map { [UInt8]($0) } ?? []
        var reader = WireReader(blob)
        var files: [AgentResource] = []
        do {
            let count = try reader.readCount("files")
            for _ in 0..<count {
                files.append(AgentResource(path: try reader.readString(), text: try reader.readString()))
            }
            try reader.expectEnd("files")
        } catch {
            throw .corrupt(version: version, detail: error.description)
        }
        return Stored(name: row["name"], source: row["source"], text: row["definition"], files: files)
    }

    func versions(of name: String? = nil) throws(AgentCatalogError) -> [AgentVersionInfo] {
        do {
            return try database.read { db in
                let sql = "SELECT name, hash, source, stored_at FROM agent_version"
                    + (name == nil ? "" : " WHERE name = ?") + " ORDER BY name, stored_at, hash"
                let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(name.map { [$0] } ?? []))
                return rows.map {
                    AgentVersionInfo(name: $0["name"], version: $0["hash"], source: $0["source"],
                                     storedAtMilliseconds: $0["stored_at"])
                }
            }
        } catch {
            throw .storage(String(describing: error))
        }
    }
}
