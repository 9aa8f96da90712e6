import AWSWire
import BulwarkCore
import Foundation
import Testing

/// Every operation of the Lambda, IAM, STS and KMS tables through the whole pipeline, as a client sends
/// it (issue #8): signed by a user without policies it is refused with AWS's access-denied answer
/// in the service's protocol; signed by a user allowed exactly its actions it gets past the
/// authorize stage; and each request leaves exactly one audit event naming it.
@Suite("Every operation of the table, through the pipeline")
struct OperationTableWireTests {
    @Test(arguments: WalkedService.allCases)
    func everyOperationIsRoutedDecidedAndAuditedFromTheWire(_ walked: WalkedService) async throws {
        let stage = try await SignedStage.make()
        let service = stage.bench.service(walked)
        let encoder = WireEncoder(model: service.model)
        let refusedKeys = try await stage.keys(of: try await stage.bench.user())
        var walkedOperations = 0
        for operation in service.operations {
            for extent in InputSynthesizer.Extent.allCases {
                let name = "\(walked) \(operation.name) with \(extent)"
                let synthesizer = InputSynthesizer(model: service.model, samples: stage.bench.samples, extent: extent)
                let input = try synthesizer.input(for: operation.name)
                let request = try encoder.request(operation.name, input: input)

                let before = try stage.events().count
                let refused = await stage.send(request, of: walked, signedWith: refusedKeys)
                let code = SignedStage.errorCode(refused, of: walked)
                let events = try stage.events()
                #expect(events.count == before + 1, "\(name): \(events.count - before) audit events")
                #expect(events.last?["errorCode"]?.stringValue == code, "\(name): the event does not record \(code ?? "success")")
                #expect(events.last?["eventSource"]?.stringValue == "\(walked.rawValue).amazonaws.com", "\(name)")
                if operation.access == .byPolicy {
                    #expect(
                        refused.status == walked.accessDenied.status, "\(name): \(refused.status) \(String(decoding: refused.body, as: UTF8.self))")
                    #expect(code == walked.accessDenied.code, "\(name): \(code ?? "success")")
                    #expect(
                        String(decoding: refused.body, as: UTF8.self).contains("is not authorized to perform: \(operation.action)"),
                        "\(name): the denial does not name \(operation.action)")
                }

                let allowedUser = try await stage.bench.user()
                let actions = try await stage.bench.checks(of: operation, input: input, by: allowedUser).checks.map(\.action)
                try await stage.bench.grant(WalkPolicy.allowing(Array(Set(actions)).sorted()), to: allowedUser)
                let allowed = await stage.send(request, of: walked, signedWith: try await stage.keys(of: allowedUser))
                // Past the authorize stage; a handler may still refuse (a wrong MFA code is AccessDenied too).
                let answer = String(decoding: allowed.body, as: UTF8.self)
                #expect(!answer.contains("is not authorized to perform"), "\(name): refused with \(actions) allowed: \(answer)")
                #expect(allowed.status < 500, "\(name): \(allowed.status) \(String(decoding: allowed.body, as: UTF8.self))")
                walkedOperations += 1
            }
        }
        #expect(walkedOperations == service.operations.count * InputSynthesizer.Extent.allCases.count)
    }
}
