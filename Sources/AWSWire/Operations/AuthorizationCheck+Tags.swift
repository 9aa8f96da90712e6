extension AuthorizationCheck {
    /// `aws:RequestTag/${TagKey}` for each tag a request sets and `aws:TagKeys` naming them all;
    /// nothing when it sets none.
    public static func requestTagKeys(_ tags: [(key: String, value: String)]) -> [String: Value] {
        guard !tags.isEmpty else { return [:] }
        var keys = tagKeys(tags.map(\.key))
        for tag in tags { keys["aws:RequestTag/\(tag.key)"] = .single(tag.value) }
        return keys
    }

    /// `aws:RequestTag/${TagKey}` and `aws:TagKeys` of the tags a request sets, given as a map.
    public static func requestTagKeys(_ tags: [String: String]?) -> [String: Value] {
        requestTagKeys((tags ?? [:]).sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
    }

    /// `aws:TagKeys` naming the tag keys a request sets or removes; nothing when it names none.
    public static func tagKeys(_ keys: [String]) -> [String: Value] {
        keys.isEmpty ? [:] : ["aws:TagKeys": .multiple(keys)]
    }
}
