@testable import Agent
import Workflow
import XCTest

final class ScriptedBrainTests: XCTestCase {
    private let call = AgentCallContext(version: "v", caller: "1000", callee: "9000")

    private func ask(_ brain: ScriptedBrain, _ text: String, dtmf: Bool = false) -> BrainResponse {
        brain.answer(BrainRequest(definition: brain.definition,
                                  turns: [Turn(speaker: .user, text: text, at: .seconds(1), isDTMF: dtmf)], call: call))
    }

    func testIntentsByKeywordExampleAndKeyPress() throws {
        let brain = try ScriptedBrain(definition: RepoAgents.receptionist())
        for utterance in ["I'd like to speak to an operator please", "Can I talk to a human?",
                          "I want to talk to someone", "put me through to the front desk"] {
            let response = ask(brain, utterance)
            XCTAssertEqual(response.toolCalls.map(\.name), ["transfer_to_front_desk"], utterance)
            XCTAssertEqual(response.text, "Of course. I'll put you through to the front desk now.")
        }
        XCTAssertEqual(ask(brain, "okay that's all, bye").toolCalls.map(\.name), ["end_call"])
        XCTAssertEqual(ask(brain, "Goodbye!").text, "Thank you for calling Lindenbrook Bicycle Works. Goodbye!")
        XCTAssertEqual(ask(brain, "0", dtmf: true).toolCalls.map(\.name), ["transfer_to_front_desk"])
        XCTAssertTrue(ask(brain, "3", dtmf: true).text.contains("45 euros"))
        XCTAssertTrue(ask(brain, "9", dtmf: true).text.hasPrefix("You can ask me about our opening hours"),
                      "an unmapped key gets the spoken menu")
    }

    func testQuestionsAreAnsweredFromTheResources() throws {
        let brain = try ScriptedBrain(definition: RepoAgents.receptionist())
        XCTAssertTrue(ask(brain, "When are you open on Saturday?").text.contains("On Saturdays we are open from 10 am to 2 pm"))
        XCTAssertTrue(ask(brain, "What's your address?").text.hasPrefix("Our address is 14 Canal Street"))
        XCTAssertTrue(ask(brain, "How much does it cost to fix a flat tyre?").text.contains("12 euros"))
        XCTAssertTrue(ask(brain, "Can I rent an electric bike?").text.contains("35 euros per day"),
                      ask(brain, "Can I rent an electric bike?").text)
        XCTAssertTrue(ask(brain, "do you take credit cards").text.contains("credit cards"))
        XCTAssertTrue(ask(brain, "are there any tram stops nearby").text.contains("tram"))
        XCTAssertTrue(ask(brain, "What are your hours?").text.contains("Monday to Friday"))
        XCTAssertTrue(ask(brain, "What are your hours?").toolCalls.isEmpty)
    }

    func testUnknownQuestionsGetTheFallbackMenu() throws {
        let brain = try ScriptedBrain(definition: RepoAgents.receptionist())
        for utterance in ["purple elephants dancing", "what do you think", "", "hello"] {
            let response = ask(brain, utterance)
            XCTAssertTrue(response.text.hasPrefix("You can ask me about our opening hours"), "\(utterance): \(response.text)")
            XCTAssertTrue(response.toolCalls.isEmpty)
        }
    }

    func testAnswersAreDeterministic() throws {
        let first = try ScriptedBrain(definition: RepoAgents.receptionist())
        let second = try ScriptedBrain(definition: RepoAgents.receptionist())
        for utterance in ["opening hours", "prices for rentals", "where is the shop", "operator"] {
            XCTAssertEqual(ask(first, utterance), ask(second, utterance))
            XCTAssertEqual(ask(first, utterance), ask(first, utterance))
        }
    }

    func testBM25PrefersRareTermsAndShortPassages() {
        let index = ResourceIndex(resources: [AgentResource(path: "r.md", text: """
            # Shop
            The shop sells bikes. The shop sells helmets. The shop sells lights.
            The shop sells bikes, helmets, lights, locks, bells, pumps, bags, gloves and many other things.
            Zebra crossings are outside the shop.
            """)])
        XCTAssertEqual(index.passages.count, 5)
        XCTAssertEqual(index.search("zebra shop").first?.passage.text, "Zebra crossings are outside the shop.",
                       "the rare term decides")
        XCTAssertEqual(index.search("helmets").first?.passage.text, "The shop sells helmets.",
                       "the short passage beats the long one with the same term")
        XCTAssertTrue(index.search("unicorns").isEmpty)
        XCTAssertTrue(index.search("the and of").isEmpty, "stop words alone match nothing")
    }

    func testMarkdownBecomesPassagesWithSections() {
        let passages = ResourceIndex.passages(of: AgentResource(path: "p.md", text: """
            # Prices
            ## Repairs
            - A *tune-up* costs **45** euros.
            1. Second item with a [link](http://example.com).

            | Service | Price |
            |---|---|
            | Wash | 5 euros |
            Plain text. Two sentences here.
            """))
        XCTAssertEqual(passages.map(\.text), [
            "A tune-up costs 45 euros.", "Second item with a link.", "Service: Price", "Wash: 5 euros",
            "Plain text.", "Two sentences here.",
        ])
        XCTAssertEqual(Set(passages.map(\.section)), ["Repairs"])
    }

    func testAfterAToolTheResultReplyIsSaid() throws {
        let agent = try definition("""
            name: orders
            tools:
              - {name: lookup, type: http, url: "http://127.0.0.1:9/orders"}
            intents:
              - name: order
                keywords: [order]
                reply: Let me check.
                tool: lookup
                arguments: {kind: latest}
                result_reply: "Your order: {{result}}"
            """)
        let brain = ScriptedBrain(definition: agent)
        let first = ask(brain, "where is my order")
        XCTAssertEqual(first.text, "Let me check.")
        XCTAssertEqual(first.toolCalls, [BrainToolCall(name: "lookup", arguments: .object(["kind": .string("latest")]))])
        let call = ToolInvocation(id: "call-1", name: "lookup", call: .http(name: "lookup", arguments: "{}"))
        let turns = [
            Turn(speaker: .user, text: "where is my order", at: .seconds(1)),
            Turn(speaker: .agent, text: "Let me check.", at: .seconds(1), toolCalls: [call]),
            Turn(speaker: .tool, text: "shipped", at: .seconds(2),
                 toolResult: ToolResult(id: "call-1", name: "lookup", ok: true, detail: "shipped")),
        ]
        XCTAssertEqual(brain.answer(BrainRequest(definition: agent, turns: turns, call: self.call)).text, "Your order: shipped")
        var failed = turns
        failed[2].toolResult?.ok = false
        XCTAssertEqual(brain.answer(BrainRequest(definition: agent, turns: failed, call: self.call)).text,
                       agent.prompts.fallback.render([:]))
    }

    func testToolCallsAreResolvedOnlyWithinWhatTheFileAllows() throws {
        let agent = try definition("""
            name: a
            tools:
              - {name: route, type: transfer, targets: {sales: "2001", support: "2002"}}
              - {name: keys, type: send_dtmf}
              - name: find
                type: http
                url: http://127.0.0.1:9/find
                parameters:
                  type: object
                  properties: {n: {type: integer}, kind: {type: string, enum: [a, b]}}
                  required: [n]
            """)
        XCTAssertEqual(try ToolCallResolver.resolve(BrainToolCall(name: "route", arguments: .object(["target": .string("sales")])), in: agent).call,
                       .transfer(target: "2001", mode: .blind))
        XCTAssertThrowsError(try ToolCallResolver.resolve(BrainToolCall(name: "route", arguments: .object(["target": .string("sip:evil@example.com")])), in: agent))
        XCTAssertEqual(try ToolCallResolver.resolve(BrainToolCall(name: "keys", arguments: .object(["digits": .string("12#")])), in: agent).call,
                       .sendDTMF("12#"))
        XCTAssertThrowsError(try ToolCallResolver.resolve(BrainToolCall(name: "keys", arguments: .object(["digits": .string("rm -rf")])), in: agent))
        XCTAssertEqual(try ToolCallResolver.resolve(BrainToolCall(name: "find", arguments: .object(["n": .number(3)])), in: agent).call,
                       .http(name: "find", arguments: #"{"n":3}"#))
        XCTAssertThrowsError(try ToolCallResolver.resolve(BrainToolCall(name: "find", arguments: .object(["n": .string("3")])), in: agent))
        XCTAssertThrowsError(try ToolCallResolver.resolve(BrainToolCall(name: "find", arguments: .object(["kind": .string("a")])), in: agent))
        XCTAssertThrowsError(try ToolCallResolver.resolve(BrainToolCall(name: "find", arguments: .object(["n": .number(1), "kind": .string("c")])), in: agent))
        XCTAssertThrowsError(try ToolCallResolver.resolve(BrainToolCall(name: "launch_rockets"), in: agent))
    }

    func testBrainRequestsNeverCarryGlobalData() throws {
        let agent = try definition("name: a\nglobal_data: {secret: s3cr3t}\n")
        XCTAssertEqual(agent.globalData["secret"], .string("s3cr3t"))
        let request = BrainRequest(definition: agent, turns: [], call: call)
        XCTAssertTrue(request.definition.globalData.isEmpty)
        let body = ChatMessages.body(model: "m", messages: ChatMessages.messages(for: request, knowledge: []),
                                     tools: ChatMessages.tools(request.tools), stream: true, temperature: nil, maxTokens: nil)
        XCTAssertFalse(body.description.contains("s3cr3t"))
    }
}
