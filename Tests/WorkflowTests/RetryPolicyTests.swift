import Workflow
import XCTest

final class RetryPolicyTests: XCTestCase {
    private let failure = ActivityFailure(type: "HTTP503")

    func testBackoffGrowsAndIsCapped() {
        let policy = RetryPolicy(initialInterval: .seconds(1), backoffCoefficient: 2, maximumInterval: .seconds(5))
        let delays = (1...5).map { policy.delay(after: $0, failure: failure) }
        XCTAssertEqual(delays, [.seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
    }

    func testMaximumAttemptsStopsRetrying() {
        let policy = RetryPolicy(maximumAttempts: 3)
        XCTAssertNotNil(policy.delay(after: 2, failure: failure))
        XCTAssertNil(policy.delay(after: 3, failure: failure))
        XCTAssertNil(RetryPolicy.none.delay(after: 1, failure: failure))
    }

    func testNonRetryableByTypeOrFlag() {
        let policy = RetryPolicy(nonRetryableErrorTypes: ["HTTP400"])
        XCTAssertNil(policy.delay(after: 1, failure: ActivityFailure(type: "HTTP400")))
        XCTAssertNil(policy.delay(after: 1, failure: ActivityFailure(type: "Other", nonRetryable: true)))
        XCTAssertNotNil(policy.delay(after: 1, failure: ActivityFailure(type: "HTTP500")))
    }

    func testRetryAfterOverridesBackoffButNotTheAttemptLimit() {
        let policy = RetryPolicy(initialInterval: .seconds(1), maximumInterval: .seconds(2), maximumAttempts: 2)
        let throttled = ActivityFailure(type: "HTTP429", nextRetryDelay: .seconds(30))
        XCTAssertEqual(policy.delay(after: 1, failure: throttled), .seconds(30), "Retry-After may exceed the cap")
        XCTAssertNil(policy.delay(after: 2, failure: throttled))
    }
}
