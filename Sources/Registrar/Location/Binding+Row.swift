import Foundation
import GRDB

/// How a ``Binding`` maps to a `registrations` row (see ``RegistrationMigrations``).
extension Binding {
    static let columns = """
        aor, binding_key, contact_uri, display_name, instance_id, reg_id, q_thousandths, expires_at, \
        registered_at, updated_at, call_id, cseq, received_host, received_port, transport, user_agent
        """

    static let insertSQL = "INSERT OR REPLACE INTO registrations (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

    var rowArguments: StatementArguments {
        [aor, key, contactURI, displayName, instanceID, regID, q?.thousandths, expiresAt.timeIntervalSince1970,
         registeredAt.timeIntervalSince1970, updatedAt.timeIntervalSince1970, callID, Int64(cseq),
         received.host, received.port, transport, userAgent]
    }

    /// Reads a row without trapping: a row with a missing or mistyped required column gives nil.
    init?(row: Row) {
        func text(_ column: String) -> String? { String.fromDatabaseValue(row[column] as DatabaseValue) }
        func integer(_ column: String) -> Int64? { Int64.fromDatabaseValue(row[column] as DatabaseValue) }
        func real(_ column: String) -> Double? { Double.fromDatabaseValue(row[column] as DatabaseValue) }
        guard let aor = text("aor"), let contactURI = text("contact_uri"), let expiresAt = real("expires_at"),
              let registeredAt = real("registered_at"), let updatedAt = real("updated_at"),
              let callID = text("call_id"), let cseq = integer("cseq").flatMap(UInt32.init(exactly:)),
              let host = text("received_host"), let port = integer("received_port").flatMap(Int.init(exactly:)),
              let transport = text("transport"),
              [expiresAt, registeredAt, updatedAt].allSatisfy(\.isFinite), (0...65535).contains(port)
        else { return nil }
        self.init(aor: aor, contactURI: contactURI, displayName: text("display_name"),
                  instanceID: text("instance_id"), regID: integer("reg_id").flatMap(Int.init(exactly:)),
                  q: integer("q_thousandths").flatMap { QValue(thousandths: Int($0)) },
                  expiresAt: Date(timeIntervalSince1970: expiresAt),
                  registeredAt: Date(timeIntervalSince1970: registeredAt),
                  updatedAt: Date(timeIntervalSince1970: updatedAt), callID: callID, cseq: cseq,
                  received: SourceAddress(host: host, port: port), transport: transport,
                  userAgent: text("user_agent"))
    }
}
