import Domain

/// Runs the enabled detectors over one symbol's session and ranks what they find.
public struct PatternScanner: Sendable {
    public var detectors: [any PatternDetector]

    /// The five detectors with their default parameters, filtered to `enabled`.
    public init(enabled: Set<PatternKind> = Set(PatternKind.allCases)) {
        let all: [any PatternDetector] = [
            BullFlagDetector(), CupAndHandleDetector(), AscendingTriangleDetector(), ABCDDetector(),
            OpeningRangeBreakoutDetector(),
        ]
        detectors = all.filter { enabled.contains($0.kind) }
    }

    public init(detectors: [any PatternDetector]) { self.detectors = detectors }

    /// Every match, best first: by confidence (rounded to 6 places, as recorded), then in `PatternKind`
    /// declaration order, so that ties resolve the same way on every run.
    public func scan(_ context: PatternContext) -> [PatternMatch] {
        let matches = detectors.compactMap { $0.detect(context) }
        return matches.sorted { l, r in
            let lc = FeatureValue.rounded6(l.confidence)
            let rc = FeatureValue.rounded6(r.confidence)
            if lc != rc { return lc > rc }
            return l.kind.order < r.kind.order
        }
    }
}

extension PatternKind {
    var order: Int { Self.allCases.firstIndex(of: self)! }
}
