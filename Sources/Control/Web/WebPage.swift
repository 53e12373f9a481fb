/// The web page served at `/`: plain HTML, CSS and JavaScript embedded in the binary (no build
/// step, no CDN). The texts live in `WebPage+HTML.swift`, `WebPage+Script.swift` and
/// `WebPage+Styles.swift`.
enum WebPage {}
