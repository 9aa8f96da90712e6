import Testing

@testable import Logs

/// Filter patterns against the examples of AWS's "Filter pattern syntax" page.
struct FilterPatternTests {
    static let events = [
        "[ERROR 400] BadRequest: The request could not be understood by the server due to malformed syntax.",
        "[ERROR 401] UnauthorizedException: The request requires user authentication.",
        "[WARN] Exiting with status code 1",
        "[INFO] 200 OK",
    ]

    @Test(arguments: [
        ("", [true, true, true, true]),
        ("ERROR", [true, true, false, false]),
        ("ERROR UnauthorizedException", [false, true, false, false]),
        ("?ERROR ?WARN", [true, true, true, false]),
        ("ERROR -UnauthorizedException", [true, false, false, false]),
        ("\"status code 1\"", [false, false, true, false]),
        ("\"[INFO] 200\"", [false, false, false, true]),
        ("error", [false, false, false, false]),
        ("?Exiting ?OK -INFO", [false, false, true, false]),
    ])
    func terms(_ pattern: String, _ expected: [Bool]) throws {
        let filter = try FilterPattern(pattern)
        #expect(Self.events.map(filter.matches) == expected)
    }

    static let document = """
        {"eventType": "UpdateTrail", "sourceIPAddress": "123.123.123.123", "arrayKey": ["value", "another value"],
         "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}], "SomeObject": null, "cluster": true, "ThisFlag": false,
         "latency": 1500, "ratio": 0.25, "user": {"id": 1, "email": "John.Stiles@example.com"},
         "users": [{"id": 2, "email": "John.Doe@example.com", "name": "Jane Doe"}],
         "actions": ["GET", "PUT", "DELETE"], "coordinates": [[0, 1], [2, 3]]}
        """

    @Test(arguments: [
        ("{ $.eventType = \"UpdateTrail\" }", true),
        ("{ $.eventType = UpdateTrail }", true),
        ("{ $.eventType != \"UpdateTrail\" }", false),
        ("{ $.sourceIPAddress != 123.123.* }", false),
        ("{ $.sourceIPAddress = 123.123.* }", true),
        ("{ $.arrayKey[0] = \"value\" }", true),
        ("{ $.objectList[1].id = 2 }", true),
        ("{ $.objectList[1].id = 1 }", false),
        ("{ $.SomeObject IS NULL }", true),
        ("{ $.cluster IS TRUE }", true),
        ("{ $.ThisFlag IS FALSE }", true),
        ("{ $.SomeOtherObject NOT EXISTS }", true),
        ("{ $.eventType EXISTS }", true),
        ("{ $.latency > 1000 }", true),
        ("{ $.latency < 1000 }", false),
        ("{ $.latency >= 1500 && $.ratio <= 0.25 }", true),
        ("{ ($.user.id = 1) && ($.users[0].email = \"John.Doe@example.com\") }", true),
        ("{ ($.user.id = 2 && $.users[0].email = \"nonmatch\") || $.actions[2] = \"GET\" }", false),
        ("{ $.user.email = \"John.Stiles@example.com\" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }", true),
        ("{ ($.user.email = \"John.Stiles@example.com\" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }", false),
        ("{ $.users[0].name = \"Jane*\" }", true),
        ("{ $.missing = 1 }", false),
        ("{ $.missing != 1 }", false),
        ("{ $.coordinates[1][0] = 2 }", true),
    ])
    func json(_ pattern: String, _ expected: Bool) throws {
        let filter = try FilterPattern(pattern)
        #expect(filter.matches(Self.document) == expected)
    }

    @Test func jsonPatternsDoNotMatchText() throws {
        #expect(try !FilterPattern("{ $.level = \"ERROR\" }").matches("level = ERROR"))
    }

    @Test(arguments: [
        "{ $.level = }", "{ $.level \"ERROR\" }", "{ level = 1 }", "{ $.level = \"ERROR\"", "{ $.level < \"ERROR\" }",
        "{ ($.a = 1 }", "\"unterminated", "[ip, user]", "%ERROR%", "{ $.a = 1 } trailing", "{ $.a[x] = 1 }",
    ])
    func invalid(_ pattern: String) {
        #expect(throws: FilterPattern.Invalid.self) { try FilterPattern(pattern) }
    }
}
