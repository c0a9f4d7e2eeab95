/// Namespace for the pure strategy: indicators, patterns, catalysts and the scanner funnel.
public enum Strategy {}
