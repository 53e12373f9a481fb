import GRDB

/// The log's schema as named, append-only migrations: never edit one that has shipped; add a
/// new one after it.
enum WorkflowMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-21-workflow-log") { db in
            // One row per instance; `key` is what events reference (an integer, to keep the
            // event index small). `snapshot_seq` is where replay starts.
            try db.execute(sql: """
                CREATE TABLE workflow (
                    key INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    type TEXT NOT NULL,
                    version TEXT NOT NULL,
                    status INTEGER NOT NULL DEFAULT 0,
                    run INTEGER NOT NULL DEFAULT 1,
                    snapshot_seq INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    finished_at INTEGER,
                    result BLOB
                );
                CREATE INDEX workflow_by_type_status ON workflow(type, status);
                """)
            // Append-ordered (rowid) table: many calls writing at once touch few WAL pages,
            // unlike a table clustered by (workflow, seq).
            try db.execute(sql: """
                CREATE TABLE event (
                    workflow INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    run INTEGER NOT NULL,
                    at INTEGER NOT NULL,
                    kind INTEGER NOT NULL,
                    payload BLOB NOT NULL
                );
                CREATE UNIQUE INDEX event_by_workflow ON event(workflow, seq);
                """)
        }
        return migrator
    }
}
