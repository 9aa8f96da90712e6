/// AWS's rules for trail names: 3 to 128 letters, digits, periods, underscores and dashes, starting
/// and ending with a letter or digit, without two of `._-` next to each other.
enum TrailName {
    static func validate(_ name: String) throws {
        guard name.count >= 3 else {
            throw CloudTrailError.invalidTrailName(
                "Trail name too short. Minimum allowed length: 3 characters. Specified name length: \(name.count) characters.")
        }
        guard name.count <= 128 else {
            throw CloudTrailError.invalidTrailName(
                "Trail name too long. Maximum allowed length: 128 characters. Specified name length: \(name.count) characters.")
        }
        guard let first = name.first, isAlphanumeric(first) else {
            throw CloudTrailError.invalidTrailName("Trail name must starts with a letter or number.")
        }
        guard let last = name.last, isAlphanumeric(last) else {
            throw CloudTrailError.invalidTrailName("Trail name must ends with a letter or number.")
        }
        let punctuation: Set<Character> = [".", "_", "-"]
        var previousWasPunctuation = false
        for character in name {
            let isPunctuation = punctuation.contains(character)
            guard isAlphanumeric(character) || isPunctuation, !(isPunctuation && previousWasPunctuation) else {
                throw CloudTrailError.invalidTrailName(
                    "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), "
                        + "and underscores (_).")
            }
            previousWasPunctuation = isPunctuation
        }
    }

    private static func isAlphanumeric(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber)
    }
}
