extension SessionDescription {
    /// The description as text: CRLF line ends, lines in the order RFC 8866 §5 requires
    /// (v o s i u e p c b t r z k a, then each media section: m i c b k a).
    ///
    /// Values are written as they are: a value built in code that holds a CR or LF produces a
    /// broken description, which the parser on the other side will refuse.
    public func serialized() -> String {
        var out = ""
        out.reserveCapacity(200 + 300 * media.count)
        out.appendLine("v=", String(version))
        out.appendLine("o=", origin.sdpValue)
        // RFC 8866 §5.3: s= is never empty; " " spells "no name".
        out.appendLine("s=", sessionName.isEmpty ? " " : sessionName)
        if let information { out.appendLine("i=", information) }
        if let uri { out.appendLine("u=", uri) }
        for email in emails { out.appendLine("e=", email) }
        for phone in phones { out.appendLine("p=", phone) }
        if let connection { out.appendLine("c=", connection.sdpValue) }
        for bandwidth in bandwidths { out.appendLine("b=", bandwidth.sdpValue) }
        if timings.isEmpty {
            out.appendLine("t=", "0 0")
        }
        for timing in timings {
            out.appendLine("t=", timing.sdpValue)
            for repeatLine in timing.repeats { out.appendLine("r=", repeatLine) }
        }
        if let timeZones { out.appendLine("z=", timeZones) }
        if let encryptionKey { out.appendLine("k=", encryptionKey) }
        for attribute in attributes { out.appendLine("a=", attribute.sdpValue) }
        for section in media { section.append(to: &out) }
        return out
    }

    /// ``serialized()`` as UTF-8 bytes, ready for a message body.
    public func serializedBytes() -> [UInt8] {
        Array(serialized().utf8)
    }
}

extension MediaDescription {
    /// Appends this section's lines (m i c b k a) to `out`.
    func append(to out: inout String) {
        out.appendLine("m=", mediaLineValue)
        if let information { out.appendLine("i=", information) }
        if let connection { out.appendLine("c=", connection.sdpValue) }
        for bandwidth in bandwidths { out.appendLine("b=", bandwidth.sdpValue) }
        if let encryptionKey { out.appendLine("k=", encryptionKey) }
        for attribute in attributes { out.appendLine("a=", attribute.sdpValue) }
    }
}

extension String {
    fileprivate mutating func appendLine(_ prefix: String, _ value: String) {
        append(prefix)
        append(value)
        append("\r\n")
    }
}
