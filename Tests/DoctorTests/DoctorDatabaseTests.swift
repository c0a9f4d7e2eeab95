import Testing

/// The suites that use the test cluster run one at a time: each harness holds a database, an event
/// store pool and a projector per projection, and running them side by side with the other targets'
/// database suites would exhaust the cluster's connections.
@Suite(.serialized) enum DoctorDatabaseTests {}
