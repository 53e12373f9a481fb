@testable import Agent
import ParleyConfig
import Workflow
import XCTest

final class DefinitionLoadingTests: XCTestCase {
    func testTheReceptionistLoadsWithEverythingItDeclares() throws {
        let agent = try RepoAgents.receptionist()
        XCTAssertEqual(agent.name, "receptionist")
        XCTAssertEqual(agent.extensionNumber, "9000")
        XCTAssertEqual(agent.providers.brain, .scripted)
        XCTAssertEqual(agent.version.count, 64)
        XCTAssertTrue(agent.version.allSatisfy { $0.isHexDigit })
        XCTAssertEqual(agent.resources.map(\.path), ["resources/company.md", "resources/prices.md"])
        XCTAssertTrue(agent.resources[0].text.contains("Opening hours"))
        XCTAssertEqual(agent.tool(named: "transfer_to_front_desk")?.kind,
                       .transfer(TransferTool(target: "1001", mode: .blind)))
        XCTAssertEqual(agent.tool(named: "end_call")?.kind, .hangUp)
        XCTAssertEqual(agent.intents.first(where: { $0.name == "front_desk" })?.digits, ["0"])
        XCTAssertTrue(agent.digitsEndTurn)
        XCTAssertEqual(agent.intents.first(where: { $0.name == "goodbye" })?.tools, ["end_call"])
        XCTAssertEqual(agent.globalData["shop_id"], .string("lbw-001"))
        let settings = agent.conversationSettings(caller: "1000", callee: "9000")
        XCTAssertEqual(settings.greeting, "Thank you for calling Lindenbrook Bicycle Works. How can I help you?")
        XCTAssertEqual(settings.idleTimeout, .seconds(10))
        XCTAssertEqual(settings.secondIdleTimeout, .seconds(8))
        XCTAssertTrue(agent.prompts.system.render(agent.templateValues(caller: "1000", callee: "9000")).contains("1000"))
    }

    func testAFullDefinitionReadsEveryField() throws {
        let yaml = """
            name: concierge
            description: A test concierge
            variables: {hotel: Grand}
            prompts:
              system: "You work at {{hotel}}."
              greeting: ~
            tools:
              - {name: sales, type: transfer, targets: {sales: "2001", support: "sip:help@example.com"}, mode: attended, announce: "A caller for {{hotel}}"}
              - {name: wait, type: hold}
              - {name: back, type: resume}
              - {name: press, type: send_dtmf}
              - {name: pin, type: collect_digits, grammar: "XXXX", terminator: null, timeout: 20s}
              - {name: room, type: join_conference, room: lobby}
              - name: lookup
                type: http
                url: https://api.example.com/orders
                method: GET
                timeout: 1500ms
                headers: {X-Api: key}
                parameters:
                  type: object
                  properties: {order: {type: string}, count: {type: integer}}
                  required: [order]
            jobs:
              summary: false
              webhook: {url: "http://127.0.0.1:9/hook", timeout: 2s}
            providers:
              brain:
                type: openai
                base_url: http://127.0.0.1:8080/v1/
                model: local
                api_key_env: LLM_KEY
                hedge: {base_url: "https://api.openai.com/v1", model: gpt-4o-mini, api_key: sk-test, after: 800ms}
              stt: {type: pocketsphinx, mode: grammar, grammar: menu.jsgf}
              tts: {type: espeak, voice: en-gb, words_per_minute: 170}
            address_name: Robin
            digits_private: true
            global_data: {account: 42, region: "eu", vip: true, tags: [a, b]}
            """
        let agent = try definition(yaml, resources: ["menu.jsgf": "#JSGF V1.0;\n"])
        XCTAssertNil(agent.prompts.greeting)
        XCTAssertEqual(agent.tool(named: "sales")?.kind, .transfer(TransferTool(
            target: nil, targets: ["sales": "2001", "support": "sip:help@example.com"],
            mode: .attended(announce: "A caller for {{hotel}}"))))
        XCTAssertEqual(agent.tool(named: "pin")?.kind,
                       .collectDigits(DigitCollectionSpec(mode: .grammar("XXXX"), terminator: nil, timeout: .seconds(20))))
        guard case .http(let http)? = agent.tool(named: "lookup")?.kind else { return XCTFail("lookup is an HTTP tool") }
        XCTAssertEqual(http.method, "GET")
        XCTAssertEqual(http.timeout, .milliseconds(1500))
        XCTAssertEqual(http.parameters["required"], .array([.string("order")]))
        guard case .openAI(let endpoint, let hedge) = agent.providers.brain else { return XCTFail("openai brain") }
        XCTAssertEqual(endpoint.baseURL, "http://127.0.0.1:8080/v1", "the trailing slash is dropped")
        XCTAssertEqual(endpoint.apiKey, .environment("LLM_KEY"))
        XCTAssertEqual(hedge?.after, .milliseconds(800))
        XCTAssertEqual(agent.providers.speechToText, .pocketsphinx(mode: .grammar, grammar: AgentResource(path: "menu.jsgf", text: "#JSGF V1.0;\n")))
        XCTAssertEqual(agent.globalData["account"], .number(42))
        XCTAssertEqual(agent.globalData["vip"], .bool(true))
        XCTAssertEqual(agent.globalData["tags"], .array([.string("a"), .string("b")]))
        XCTAssertEqual(agent.jobs.webhook?.url, "http://127.0.0.1:9/hook")
        XCTAssertFalse(agent.jobs.summary)
        XCTAssertEqual(agent.addressName, "Robin")
    }

    /// Each case marks the offending line with `# <-`; the error must name that line.
    func testEveryBadFieldIsReportedWithFileAndLine() {
        let cases: [(String, String)] = [
            ("name: a\ncolour: blue # <-", "unknown key 'colour'"),
            ("name: a\nprompts:\n  greting: hi # <-", "unknown key 'prompts.greting'"),
            ("name: a b # <-", "may use only letters"),
            ("description: no name # <-", "'name' is required"),
            ("name: a\ntimeouts:\n  idle: soon # <-", "is not a duration"),
            ("name: a\ntimeouts:\n  max_duration: 2s # <-", "out of range"),
            ("name: a\nbarge_in:\n  min_speech_ms: lots # <-", "expected a whole number"),
            ("name: a\ndigits_private: maybe # <-", "expected true or false"),
            ("name: a\nextension: 9x # <-", "must be 1 to 32 digits"),
            ("name: a\nprompts:\n  greeting: \"Hi {{nobody}}\" # <-", "unknown variable {{nobody}}"),
            ("name: a\nprompts:\n  greeting: \"Hi {{caller\" # <-", "without a closing"),
            ("name: a\nvariables:\n  caller: x # <-", "built-in variable"),
            ("name: a\nresources:\n  - missing.md # <-", "resource file 'missing.md' not found"),
            ("name: a\nresources:\n  - ../etc/passwd # <-", "inside the agents folder"),
            ("name: a\ntools:\n  - name: t\n    type: http\n    url: ftp://example.com # <-", "is not an http(s) URL"),
            ("name: a\ntools:\n  - name: t\n    type: http\n    url: not a url # <-", "is not an http(s) URL"),
            ("name: a\ntools:\n  - name: t # <-\n    type: http", "'url' is required"),
            ("name: a\ntools:\n  - name: t\n    type: teleport # <-", "'teleport' is not one of"),
            ("name: a\ntools:\n  - name: t\n    type: hold\n    target: \"1\" # <-", "unknown key 'tools[0].target'"),
            ("name: a\ntools:\n  - {name: t, type: hold}\n  - {name: t, type: resume} # <-", "defined twice"),
            ("name: a\ntools:\n  - {name: \"bad name\", type: hold} # <-", "may use only letters"),
            ("name: a\ntools:\n  - name: t # <-\n    type: transfer", "'target' (or 'targets') is required"),
            ("name: a\ntools:\n  - name: t # <-\n    type: transfer\n    target: \"1\"\n    mode: attended", "needs 'announce'"),
            ("name: a\ntools:\n  - name: t\n    type: collect_digits\n    grammar: X.X # <-", "may only end the pattern"),
            ("name: a\ntools:\n  - name: t\n    type: collect_digits\n    count: 4\n    terminator: \"##\" # <-", "not a single key"),
            ("name: a\ntools:\n  - name: t\n    type: send_dtmf\n    digits: 12x # <-", "may contain only"),
            ("name: a\ntools:\n  - name: t\n    type: http\n    url: http://x.example\n    method: FETCH # <-", "'FETCH' is not one of"),
            ("name: a\ntools:\n  - name: t\n    type: http\n    url: http://x.example\n    parameters: # <-\n      type: object\n      properties: {a: {type: string}}\n      required: [b]",
             "required property 'b'"),
            ("name: a\ntools:\n  - name: t\n    type: http\n    url: http://x.example\n    parameters: # <-\n      type: object\n      properties: {a: {kind: string}}",
             "property 'a' needs a type"),
            ("name: a\nintents:\n  - name: i\n    keywords: [x]\n    tool: nowhere # <-", "no tool named 'nowhere'"),
            ("name: a\ntools:\n  - {name: t, type: hold}\nintents:\n  - name: i\n    keywords: [x]\n    tool: t # <-\n    tools: [t]",
             "not both"),
            ("name: a\ntools:\n  - {name: t, type: transfer, targets: {sales: \"1\"}}\nintents:\n  - name: i\n    keywords: [x]\n    tool: t\n    arguments: {target: marketing} # <-",
             "'marketing' is not one of the targets"),
            ("name: a\nintents:\n  - name: i # <-\n    reply: hi", "needs examples, keywords or digits"),
            ("name: a\nintents:\n  - name: i # <-\n    keywords: [x]", "needs a reply or a tool"),
            ("name: a\nintents:\n  - name: i\n    keywords: [x]\n    reply: hi\n    result_reply: \"{{result}}\" # <-", "result_reply needs a tool"),
            ("name: a\nproviders:\n  brain:\n    type: openai\n    base_url: http://x.example/v1\n    model: m\n    api_key: k # <-\n    api_key_env: K",
             "not both"),
            ("name: a\nproviders:\n  brain: # <-\n    type: openai\n    model: m", "'base_url' is required"),
            ("name: a\nproviders:\n  brain:\n    type: oracle # <-", "'oracle' is not one of"),
            ("name: a\nproviders:\n  brain:\n    type: openai\n    base_url: http://x.example/v1\n    model: m\n    temperature: 7 # <-",
             "out of range"),
            ("name: a\nproviders:\n  stt:\n    type: pocketsphinx\n    grammar: menu.jsgf # <-", "needs mode: grammar"),
            ("name: a\njobs:\n  webhook:\n    url: nowhere # <-", "is not an http(s) URL"),
            ("name: a\nglobal_data: [1, 2] # <-", "expected a mapping"),
            ("name: a\nprompts: [a, b] # <-", "expected a mapping"),
            ("name: a\ntools: # <-\n  key: value", "expected a list"),
            ("name: a\nname: b # <-", "duplicate key 'name'"),
            ("name: a\nprompts:\n  idle: [oops # <-", "not valid YAML"),
        ]
        for (yaml, expected) in cases {
            let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
            let marked = (lines.firstIndex { $0.hasSuffix("# <-") } ?? -1) + 1
            do {
                _ = try definition(yaml, file: "bad.yaml")
                XCTFail("accepted: \(yaml)")
            } catch {
                XCTAssertEqual(error.file, "bad.yaml")
                XCTAssertTrue(error.reason.contains(expected), "\(yaml)\n→ \(error)")
                if expected == "not valid YAML" {
                    XCTAssertNotNil(error.line, "\(error)")
                } else {
                    XCTAssertEqual(error.line, marked, "\(yaml)\n→ \(error)")
                }
                XCTAssertTrue(error.description.hasPrefix("bad.yaml:"), error.description)
            }
        }
    }

    func testEmptyAndUnreadableFilesAreErrors() {
        XCTAssertThrowsError(try definition("", file: "empty.yaml")) { error in
            XCTAssertEqual((error as? ConfigError)?.reason, "the file is empty")
        }
        XCTAssertThrowsError(try AgentDefinitionLoader.load(path: "/nonexistent/agent.yaml")) { error in
            XCTAssertTrue((error as? ConfigError)?.reason.contains("cannot read") ?? false)
        }
    }

    func testHashIgnoresLineEndingsAndTrailingBlanksButNotContent() throws {
        let yaml = "name: a\nprompts:\n  greeting: hi\nresources: [r.md]\n"
        let base = try definition(yaml, resources: ["r.md": "Fact one."])
        let crlf = try definition(yaml.replacingOccurrences(of: "\n", with: "  \r\n") + "\n\n", resources: ["r.md": "Fact one.\n"])
        XCTAssertEqual(base.version, crlf.version)
        let edited = try definition(yaml.replacingOccurrences(of: "hi", with: "hello"), resources: ["r.md": "Fact one."])
        XCTAssertNotEqual(base.version, edited.version)
        let newResource = try definition(yaml, resources: ["r.md": "Fact two."])
        XCTAssertNotEqual(base.version, newResource.version, "a changed resource is a new version")
    }

    func testMangledDefinitionsNeverTrapAndErrorsStayInsideTheFile() throws {
        let path = RepoAgents.directory.appendingPathComponent("receptionist.yaml").path
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let resources = try Dictionary(uniqueKeysWithValues: RepoAgents.receptionist().resources.map { ($0.path, $0.text) })
        let lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let tokens = ["", "-", "{", "[1, 2]", "~", "\"{{x}}\"", "9999999999999999999", "a: b", "&x", "*x", "@", "\t"]
        var generator = SystemRandomNumberGenerator()
        var rejected = 0
        for round in 0..<400 {
            var mangled = lines
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let index = Int.random(in: 0..<mangled.count, using: &generator)
                let token = tokens.randomElement(using: &generator) ?? ""
                if let colon = mangled[index].range(of: ": ") {
                    mangled[index] = mangled[index][..<colon.upperBound] + token
                } else {
                    mangled[index] = token
                }
            }
            do {
                _ = try definition(mangled.joined(separator: "\n"), file: "m.yaml", resources: resources)
            } catch {
                rejected += 1
                if let line = error.line {
                    XCTAssertTrue((1...mangled.count + 1).contains(line), "round \(round): \(error)")
                }
            }
        }
        XCTAssertGreaterThan(rejected, 0)
    }
}
