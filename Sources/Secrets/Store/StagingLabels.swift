/// How Secrets Manager moves staging labels when a version is added or labelled: a label is on one
/// version at most, so attaching it takes it from the version that had it; when `AWSCURRENT` moves,
/// the version that had it receives `AWSPREVIOUS` (taken from wherever it was).
public enum StagingLabels {
    public static let current = "AWSCURRENT"
    public static let previous = "AWSPREVIOUS"
    public static let pending = "AWSPENDING"

    /// The labels of every version after `labels` are attached to `versionID` (which may be new).
    /// Versions left without labels stay (deprecated versions), with an empty list.
    public static func attach(_ labels: [String], to versionID: String, in versions: [String: [String]]) -> [String: [String]] {
        var result = versions
        result[versionID] = result[versionID] ?? []
        let formerCurrent = labels.contains(current) ? versions.first { $0.key != versionID && $0.value.contains(current) }?.key : nil
        for label in labels {
            for key in result.keys where key != versionID { result[key]?.removeAll { $0 == label } }
            if result[versionID]?.contains(label) == false { result[versionID]?.append(label) }
        }
        if let formerCurrent {
            for key in result.keys where key != formerCurrent { result[key]?.removeAll { $0 == previous } }
            if result[formerCurrent]?.contains(previous) == false { result[formerCurrent]?.append(previous) }
        }
        return result
    }
}
