/// Reads the text out of an `/audio/transcriptions` answer (sans-I/O, never traps).
///
/// `response_format=json` gives `{"text": "..."}`; servers that ignore the format and answer
/// `text/plain` give the words alone. Whitespace is collapsed to single spaces and trimmed;
/// case and punctuation are kept (a language model reads them).
enum TranscriptionResponse {
    static func text(from body: [UInt8], contentType: String?) throws(SpeechProviderError) -> String {
        let type = contentType?.lowercased() ?? ""
        if type.hasPrefix("text/plain") {
            return normalized(String(decoding: body, as: UTF8.self))
        }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: body)
        } catch {
            throw .badResponse("transcription is not JSON: \(error)")
        }
        guard let text = json["text"]?.stringValue else {
            throw .badResponse("transcription JSON has no \"text\" string")
        }
        return normalized(text)
    }

    static func normalized(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
    }
}
