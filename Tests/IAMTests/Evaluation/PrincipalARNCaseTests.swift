import Testing

@testable import IAM

/// IAM names are unique without regard to ASCII case, and hold only ASCII: a principal's ARN in a
/// policy matches the caller's in another ASCII case, never through Unicode case folding.
@Suite("Principal ARNs compare without regard to ASCII case only")
struct PrincipalARNCaseTests {
    @Test func asciiCaseIsIgnoredAndNothingElse() {
        #expect(PrincipalMatcher.sameIAMARN("arn:aws:iam::111122223333:user/Kate", "arn:aws:iam::111122223333:user/kate"))
        #expect(!PrincipalMatcher.sameIAMARN("arn:aws:iam::111122223333:user/\u{212A}ate", "arn:aws:iam::111122223333:user/kate"))
        #expect(!PrincipalMatcher.sameIAMARN("arn:aws:iam::111122223333:user/ıvan", "arn:aws:iam::111122223333:user/Ivan"))
        #expect(!PrincipalMatcher.sameIAMARN("arn:aws:iam::111122223333:user/kate", "arn:aws:iam::111122223333:user/kat"))
    }
}
