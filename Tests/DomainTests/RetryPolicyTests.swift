import Domain
import Foundation
import PropertyBased
import Testing

@Suite struct RetryPolicyTests {
    @Test func doublesFromTheBaseUpToTheCap() {
        let p = RetryPolicy(maxRetries: 5, base: 0.5, cap: 8)
        #expect((1...7).map { p.delay(after: $0) } == [0.5, 1, 2, 4, 8, 8, 8])
        #expect(p.mayRetry(after: 5) && !p.mayRetry(after: 6))
        #expect(!RetryPolicy(maxRetries: 0, base: 1, cap: 1).mayRetry(after: 1))
    }

    @Test func aPeersHintIsWaitedForUpToTheCap() {
        let p = RetryPolicy(maxRetries: 3, base: 0.5, cap: 8)
        #expect(p.delay(after: 1, hint: 3) == 3)
        #expect(p.delay(after: 3, hint: 1) == 2)
        #expect(p.delay(after: 1, hint: 600) == 8)
    }

    @Test func hintsComeFromTheRateLimitResetOrRetryAfter() {
        let now = Date(timeIntervalSince1970: 1_000)
        #expect(RetryPolicy.hint(rateLimitReset: "1004", retryAfter: "30", now: now) == 4)
        #expect(RetryPolicy.hint(rateLimitReset: nil, retryAfter: "30", now: now) == 30)
        #expect(RetryPolicy.hint(rateLimitReset: "990", retryAfter: nil, now: now) == 0)
        #expect(RetryPolicy.hint(rateLimitReset: "soon", retryAfter: nil, now: now) == nil)
        #expect(RetryPolicy.hint(rateLimitReset: nil, retryAfter: nil, now: now) == nil)
    }

    @Test func neverWaitsLongerThanTheCapNorLessThanTheBase() async {
        await propertyCheck(input: Gen.int(in: 1...40), Gen.int(in: 1...1000)) { attempt, hint in
            let p = RetryPolicy(maxRetries: 50, base: 0.25, cap: 30)
            let d = p.delay(after: attempt, hint: Double(hint) / 10)
            #expect(d <= 30 && d >= 0.25)
            #expect(p.delay(after: attempt + 1) >= p.delay(after: attempt))
        }
    }
}
