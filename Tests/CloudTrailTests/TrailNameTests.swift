import BulwarkCore
import Testing

@testable import CloudTrail

@Suite struct TrailNameTests {
    @Test(arguments: ["abc", "my-trail", "a.b_c-d", "Trail123", String(repeating: "a", count: 128)])
    func acceptsAWSNames(_ name: String) throws {
        try TrailName.validate(name)
    }

    @Test(arguments: [
        ("ab", "Trail name too short. Minimum allowed length: 3 characters. Specified name length: 2 characters."),
        (String(repeating: "a", count: 129), "Trail name too long. Maximum allowed length: 128 characters. Specified name length: 129 characters."),
        ("-abc", "Trail name must starts with a letter or number."),
        ("abc_", "Trail name must ends with a letter or number."),
        (
            "a..b",
            "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_)."
        ),
        (
            "a b c",
            "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_)."
        ),
    ])
    func refusesOthersWithAWSMessages(_ name: String, _ message: String) {
        #expect {
            try TrailName.validate(name)
        } throws: { error in
            (error as? AWSError)?.code == "InvalidTrailNameException" && (error as? AWSError)?.message == message
        }
    }
}
