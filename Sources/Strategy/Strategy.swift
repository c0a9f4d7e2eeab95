/// Namespace for the pure strategy: indicators, patterns, catalysts and the scanner funnel.
///
/// Nothing in this module reads a clock, a file, the network or a random number generator: every
/// observation and the decision time are inputs, so a recorded scan can be replayed bit for bit.
public enum Strategy {
    /// Recorded in every `FeatureSnapshot`. Bump it whenever a change to indicators, patterns, the
    /// catalyst lexicons or the scoring formulas would change a recorded number, so that ML replay can
    /// tell feature generations apart.
    public static let scoringVersion = "strategy-1.0"
}
