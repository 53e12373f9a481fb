import Foundation

/// The dialog a Replaces header names (RFC 3891 §6.1): `callid;to-tag=…;from-tag=…[;early-only]`.
///
/// The tags are from the recipient's point of view: `toTag` is the local tag of the dialog at the
/// UA receiving the header, `fromTag` the remote one. It appears as a header of an INVITE, or
/// percent-escaped inside a Refer-To URI (`<sip:1003@host?Replaces=abc%3Bto-tag%3D1%3Bfrom-tag%3D2>`,
/// RFC 5589 attended transfer). Parsing untrusted text never traps; anything malformed is nil.
struct ReplacesHeader: Equatable, Sendable, CustomStringConvertible {
    var callID: String
    var toTag: String
    var fromTag: String
    /// Only an early dialog may be replaced (a confirmed one answers 486).
    var earlyOnly: Bool

    static let maximumLength = 1024

    init(callID: String, toTag: String, fromTag: String, earlyOnly: Bool = false) {
        self.callID = callID
        self.toTag = toTag
        self.fromTag = fromTag
        self.earlyOnly = earlyOnly
    }

    /// Parses a header value. Exactly one to-tag and one from-tag are required (RFC 3891 §6.1);
    /// other parameters are ignored.
    init?(parsing value: String) {
        guard value.utf8.count <= Self.maximumLength else { return nil }
        let parts = value.split(separator: ";", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = parts.first, Self.isCallID(first) else { return nil }
        var toTag: String?
        var fromTag: String?
        var earlyOnly = false
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
            let raw = pair.count > 1 ? pair[1].trimmingCharacters(in: .whitespaces) : nil
            switch name {
            case "to-tag":
                guard toTag == nil, let raw, Self.isToken(raw) else { return nil }
                toTag = raw
            case "from-tag":
                guard fromTag == nil, let raw, Self.isToken(raw) else { return nil }
                fromTag = raw
            case "early-only":
                earlyOnly = true
            case "":
                return nil
            default:
                continue
            }
        }
        guard let toTag, let fromTag else { return nil }
        self.init(callID: first, toTag: toTag, fromTag: fromTag, earlyOnly: earlyOnly)
    }

    /// The Replaces carried in a Refer-To value's URI headers (`?Replaces=…&…`), unescaped; nil when
    /// there is none or it is malformed.
    init?(referTo: String) {
        guard referTo.utf8.count <= 4 * Self.maximumLength else { return nil }
        var uri = Substring(referTo)
        if let open = uri.firstIndex(of: "<"), let close = uri.lastIndex(of: ">"), open < close {
            uri = uri[uri.index(after: open)..<close]
        }
        guard let question = uri.firstIndex(of: "?") else { return nil }
        let headers = uri[uri.index(after: question)...].split(separator: "&")
        for header in headers {
            let pair = header.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "replaces" else { continue }
            guard let value = String(pair[1]).removingPercentEncoding else { return nil }
            self.init(parsing: value)
            return
        }
        return nil
    }

    /// Whether a Refer-To value carries a Replaces header at all (well formed or not).
    static func isPresent(inReferTo referTo: String) -> Bool {
        guard let question = referTo.firstIndex(of: "?") else { return false }
        return referTo[question...].lowercased().contains("replaces=")
    }

    /// The header value, as it would be written in an INVITE.
    var description: String {
        "\(callID);to-tag=\(toTag);from-tag=\(fromTag)" + (earlyOnly ? ";early-only" : "")
    }

    /// RFC 3261 `callid = word ["@" word]`.
    private static func isCallID(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        let words = text.split(separator: "@", omittingEmptySubsequences: false)
        guard words.count <= 2 else { return false }
        return words.allSatisfy { word in
            !word.isEmpty && word.unicodeScalars.allSatisfy { wordCharacters.contains($0) }
        }
    }

    private static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { tokenCharacters.contains($0) }
    }

    private static let tokenCharacters: Set<Unicode.Scalar> = {
        var set = Set<Unicode.Scalar>()
        for scalar in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~".unicodeScalars {
            set.insert(scalar)
        }
        return set
    }()

    private static let wordCharacters: Set<Unicode.Scalar> = {
        var set = tokenCharacters
        for scalar in "()<>:\\\"/[]?{}".unicodeScalars { set.insert(scalar) }
        return set
    }()
}
