import Foundation

/// Who a leg Parley placed is once it becomes a call of its own (Switch+LegPromotion.swift): the
/// new call's id, derived from the call it leaves so logs and records can be matched up, the
/// From it is listed with and the user it is known as (caller ID on legs placed for it). Pure.
struct PromotedParty: Equatable {
    /// The new call's id: `<original>-xfer-<suffix>`.
    let callID: String
    /// The party's address as the new call's "caller": `<sip:user@realm>` for a user's phone,
    /// else the contact the leg was sent to.
    let from: String
    /// The user part the party goes by (nil when its address has none).
    let username: String?

    /// Call-IDs longer than this are cut before the suffix (the id appears in URLs and logs).
    static let maxBaseLength = 120

    /// `user` is the directory user the leg rang (nil for a trunk number or a URI), `contact` the
    /// URI its INVITE went to, `realm` Parley's, `suffix` what tells two promotions apart.
    init(originalCallID: String, user: String?, contact: String, realm: String, suffix: String) {
        let base = originalCallID.isEmpty ? "call" : String(originalCallID.prefix(Self.maxBaseLength))
        callID = "\(base)-xfer-\(suffix)"
        if let user, !user.isEmpty {
            from = "<sip:\(user)@\(realm)>"
            username = user
        } else {
            let bare = contact.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
            from = "<\(bare)>"
            // `15551234` from `sip:15551234@host;transport=udp`; nil without a user part.
            username = bare.contains("@") ? Switch.userPart(of: bare) : nil
        }
    }
}
