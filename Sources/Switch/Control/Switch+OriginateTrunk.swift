import Foundation
import ParleyConfig

/// One INVITE an origination sends: where, with which To and From, and what to answer a
/// challenge with.
struct OriginationDestination {
    var uri: String
    var toHeader: String
    var from: String
    var proxy: String? = nil
    var endpoint = Switch.EndpointMedia()
    var headers: [String] = []
    var credentials: (user: String, password: String, realm: String?)? = nil
}

extension Switch {
    /// The INVITE that rings `number` through trunk `trunk`, as a user's call out would go
    /// (``trunkLeg(_:trunkName:number:caller:room:)``): From is the trunk's account (providers
    /// check it), the number to present is in P-Asserted-Identity (RFC 3325): the API's caller ID,
    /// else the trunk's `caller_id`, else the account. Nil when the trunk is unknown or has no
    /// server address.
    func trunkDestination(trunk: String, number: String, callerID: String?, name: String) -> OriginationDestination? {
        guard let link = trunks.first(where: { $0.trunk.name == trunk }), let host = link.host else { return nil }
        let account = link.trunk.authUsername ?? link.trunk.username ?? "anonymous"
        let presented = callerID.flatMap { $0.isEmpty ? nil : $0 } ?? link.trunk.callerID ?? account
        let uri = "sip:\(number)@\(host)"
        var destination = OriginationDestination(
            uri: uri, toHeader: "<\(uri)>", from: "\"\(name)\" <sip:\(account)@\(host)>",
            endpoint: EndpointMedia(link.trunk),
            headers: ["P-Asserted-Identity: \"\(name)\" <sip:\(presented)@\(host)>"])
        destination.credentials = link.trunk.password.map {
            (user: link.trunk.authUsername ?? link.trunk.username ?? "", password: $0, realm: link.trunk.realm)
        }
        return destination
    }
}
