import Foundation

/// Several archives read as one: they must come from the same store and continue each other exactly
/// (each starts at the seq after the previous one's last, from the previous one's chain end).
public enum ArchiveSet {
    /// Loads and checks the manifests of `directories` in the given order. The first must start at seq 1.
    public static func load(_ directories: [URL], requireGenesis: Bool = true) throws -> [ArchiveManifest] {
        guard !directories.isEmpty else { throw ArchiveError.refused("no archive directory given") }
        var manifests: [ArchiveManifest] = []
        for dir in directories {
            let m = try ArchiveManifest.load(from: dir)
            if let prev = manifests.last {
                guard m.storeID == prev.storeID else {
                    throw ArchiveError.refused("\(dir.path) belongs to store \(m.storeID), the archive before it to store \(prev.storeID)")
                }
                guard m.firstSeq == prev.lastSeq + 1, m.chainStartHash == prev.chainEndHash else {
                    throw ArchiveError.refused(
                        "\(dir.path) starts at seq \(m.firstSeq) from hash \(m.chainStartHash), "
                            + "but the archive before it ends at seq \(prev.lastSeq) with \(prev.chainEndHash)")
                }
            } else if requireGenesis, m.firstSeq != 1 {
                throw ArchiveError.refused("\(dir.path) starts at seq \(m.firstSeq); give the earlier archives first, starting with the one at seq 1")
            }
            manifests.append(m)
        }
        return manifests
    }
}
