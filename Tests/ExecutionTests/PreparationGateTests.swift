import Foundation
import Testing

@testable import Execution

/// The host's preparation: waited for while it runs, answered at once when done, and ended early by a stop.
@Suite("Preparation gate")
struct PreparationGateTests {
    static let prepared = ExecutionHost.Preparation(
        catalog: RuntimeCatalog(entries: [:], unavailable: ["python3.13": "not here"]), blocker: "no bubblewrap")

    @Test func waitersAreAnsweredWhenThePreparationFinishes() async {
        let gate = PreparationGate()
        #expect(gate.finished == nil)
        let answers = await withTaskGroup(of: String?.self, returning: [String?].self) { group in
            for _ in 0..<3 { group.addTask { await gate.wait().blocker } }
            group.addTask {
                gate.finish(Self.prepared)
                return Self.prepared.blocker
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers == Array(repeating: "no bubblewrap", count: 4))
        #expect(gate.finished?.catalog.unavailable == ["python3.13": "not here"])
        #expect(await gate.wait().blocker == "no bubblewrap")
    }

    @Test func aStopAsksThePreparationToEndAndWaitsForIt() async {
        let gate = PreparationGate()
        let preparing = Thread { [gate] in
            while !gate.isStopping { usleep(1000) }
            gate.finish(Self.prepared)
        }
        preparing.start()
        gate.stopAndWait()
        #expect(gate.finished != nil)
        // Again, and once finished: at once.
        gate.stopAndWait()
        #expect(gate.isStopping)
    }
}
