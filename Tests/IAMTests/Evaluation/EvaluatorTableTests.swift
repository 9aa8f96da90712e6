import IAM
import Testing

extension EvaluatorCase {
    /// Every row of every theme.
    static let all: [EvaluatorCase] =
        identityPolicies + resourcePolicies + boundariesAndSessions + stringAndNumericConditions + dateIPBinaryArnConditions
        + setOperatorConditions + variablesAndResources
}

@Suite("Policy evaluator table")
struct EvaluatorTableTests {
    @Test("The table holds at least 300 cases")
    func tableSize() {
        #expect(EvaluatorCase.all.count >= 300, "the table holds \(EvaluatorCase.all.count) cases")
    }

    @Test("Each case gets AWS's decision", arguments: EvaluatorCase.all)
    func decides(_ row: EvaluatorCase) throws {
        let result = PolicyEvaluator().evaluate(try row.request())
        #expect(result.decision == row.expect, "\(result.explanation)")
        if let basis = row.basis {
            #expect(EvaluatorCase.shortForm(result.basis) == basis, "\(result.explanation)")
        }
        if let sid = row.decidedBy {
            let deciding = result.decision == .explicitDeny ? result.denyingStatements.first : result.allowingStatements.first
            #expect(deciding?.sid == sid, "\(result.explanation)")
        }
        if let message = row.message {
            #expect(result.accessDeniedMessage == message)
        }
        #expect((result.accessDeniedMessage == nil) == (result.decision == .allow))
    }
}
