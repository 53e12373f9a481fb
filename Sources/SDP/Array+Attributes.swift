/// Helpers shared by the session-level and media-level attribute lists.
extension Array where Element == Attribute {
    /// The first direction attribute, nil when there is none.
    var direction: MediaDirection? {
        get {
            for attribute in self {
                if let direction = MediaDirection(rawValue: attribute.name) { return direction }
            }
            return nil
        }
        set {
            replaceAll(where: { MediaDirection(rawValue: $0.name) != nil }, with: newValue.map { [$0.attribute] } ?? [])
        }
    }

    /// A millisecond count such as `a=ptime:20`; a fraction (`20.0`, which some phones send) is
    /// truncated; anything else is nil.
    func milliseconds(named name: String) -> Int? {
        guard let value = first(where: { $0.name == name })?.value else { return nil }
        let bytes = value.sdpBytes
        let end = bytes.firstIndex(of: ASCII.dot) ?? bytes.endIndex
        let fraction = bytes[end...].dropFirst()
        guard fraction.allSatisfy(ASCII.isDigit) else { return nil }
        return bytes[bytes.startIndex..<end].decimal(Int.self)
    }

    /// Sets the single attribute called `name` to `value`, or removes it when `value` is nil.
    mutating func setValue(_ value: String?, named name: String) {
        replaceAll(where: { $0.name == name }, with: value.map { [Attribute(name: name, value: $0)] } ?? [])
    }

    /// Removes every attribute matching `matches` and puts `replacement` where the first of them
    /// was, or at the end when none matched.
    mutating func replaceAll(where matches: (Attribute) -> Bool, with replacement: [Attribute]) {
        guard let first = firstIndex(where: matches) else {
            append(contentsOf: replacement)
            return
        }
        var result: [Attribute] = []
        result.reserveCapacity(count + replacement.count)
        for (index, attribute) in enumerated() {
            if index == first { result.append(contentsOf: replacement) }
            if !matches(attribute) { result.append(attribute) }
        }
        self = result
    }
}
