import AWSWire
import BulwarkCore
import Testing

/// Walks every operation of the Lambda, IAM, STS and KMS tables, whatever operations they hold (DESIGN
/// §1, issue #4): each is refused without permission and allowed with exactly its actions, on
/// exactly its resources; its action is named as the Service Authorization Reference names it.
@Suite("Every operation of the table, authorized")
struct OperationTableAuthorizationTests {
    @Test(arguments: WalkedService.allCases)
    func everyOperationNeedsExactlyItsActions(_ walked: WalkedService) async throws {
        let bench = try await AuthorizationBench.make()
        let service = bench.service(walked)
        #expect(!service.operations.isEmpty)
        for operation in service.operations {
            for extent in InputSynthesizer.Extent.allCases {
                let synthesizer = InputSynthesizer(model: service.model, samples: bench.samples, extent: extent)
                do {
                    let input = try synthesizer.input(for: operation.name)
                    try await Self.walk(OperationWalk(operation: operation, extent: extent, input: input, bench: bench), of: walked)
                } catch {
                    Issue.record("\(walked) \(operation.name) with \(extent): \(error)")
                }
            }
        }
    }

    @Test(arguments: WalkedService.allCases)
    func actionsAreNamedAsTheServiceAuthorizationReferenceNamesThem(_ walked: WalkedService) async throws {
        let bench = try await AuthorizationBench.make()
        let operations = bench.service(walked).operations
        for operation in operations {
            let expected = walked.actionsNamedOtherwise[operation.name] ?? "\(walked.actionPrefix):\(operation.name)"
            #expect(operation.action == expected, "\(walked) \(operation.name)")
        }
        let names = Set(operations.map(\.name))
        for name in walked.actionsNamedOtherwise.keys {
            #expect(names.contains(name), "\(walked): the naming exception \(name) is no operation")
        }
        #expect(names.count == operations.count, "\(walked): an operation is declared twice")
    }

    @Test(arguments: WalkedService.allCases)
    func onlyTheIdentityOperationsOfSTSNeedNoPermission(_ walked: WalkedService) async throws {
        let bench = try await AuthorizationBench.make()
        let anyCaller = bench.service(walked).operations.filter { $0.access == .anyAuthenticatedCaller }.map(\.name)
        #expect(Set(anyCaller) == walked.operationsForAnyCaller)
    }

    /// Every property of one operation, for the callers its access admits.
    private static func walk(_ walk: OperationWalk, of walked: WalkedService) async throws {
        let caller = try await walk.bench.user()
        let checks = try await walk.checks(by: caller).checks
        walk.expectWellFormed(checks, caller: caller)
        if walk.extent == .every {
            let further = walked.furtherActionsWithEveryMember[walk.operation.name] ?? []
            #expect(Set(checks.map(\.action)) == further.union([walk.operation.action]), "\(walk.name): not the actions AWS documents")
        }
        // The pipeline asks no policy for these (decision 0003); the access test pins which they are.
        guard walk.operation.access == .byPolicy else { return }
        try await walk.expectRefusedWithoutPolicy()
        try await walk.expectAllowedWithExactlyItsActions(distinct(checks.map(\.action)))
        try await walk.expectAllowedOnExactlyItsResources()
    }

    /// The actions in the order the checks first ask them.
    private static func distinct(_ actions: [String]) -> [String] {
        var seen: Set<String> = []
        return actions.filter { seen.insert($0).inserted }
    }
}
