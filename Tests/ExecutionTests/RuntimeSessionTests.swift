import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOPosix
import Testing

@testable import Execution

@Suite("The Runtime API state machine")
struct RuntimeSessionTests {
    static func invocation(_ id: String = "req-1") -> Invocation {
        Invocation(
            requestID: id, payload: Data("{}".utf8), deadline: Date().addingTimeInterval(3),
            invokedFunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:f", traceID: "Root=1-x", clientContext: nil
        )
    }

    @Test func firstNextEndsInitAndReceivesTheInvocation() async throws {
        let session = RuntimeSession()
        let token = session.makeToken()
        async let next = session.next(token: token)
        guard case .ready = try await session.initialized() else {
            Issue.record("init should be ready")
            return
        }
        async let reply = session.run(Self.invocation())
        let delivered = try await next
        #expect(delivered.requestID == "req-1")
        #expect(session.respond(id: "req-1", body: Data("42".utf8), contentType: "application/json", tooLarge: false) == .accepted)
        #expect(try await reply == .response(Data("42".utf8), contentType: "application/json"))
    }

    @Test func requestIDsAreCheckedBeforeAnyStateChange() async throws {
        let session = RuntimeSession()
        let token = session.makeToken()
        async let reply = session.run(Self.invocation())
        _ = try await session.next(token: token)
        #expect(session.respond(id: "guessed", body: Data(), contentType: nil, tooLarge: false) == .invalidRequestID)
        #expect(session.fail(id: "", body: Data(), errorTypeHeader: nil) == .invalidRequestID)
        #expect(session.respond(id: "req-1", body: Data("1".utf8), contentType: nil, tooLarge: false) == .accepted)
        _ = try await reply
        // A second answer for the same invocation is an invalid transition, not a second delivery.
        #expect(
            session.respond(id: "req-1", body: Data(), contentType: nil, tooLarge: false)
                == .invalidTransition(from: "RuntimeResponseSentState", to: "InvocationResponse")
        )
        #expect(session.initError(body: Data(), errorTypeHeader: nil) == .invalidTransition(from: "RuntimeResponseSentState", to: "InitError"))
    }

    @Test func initErrorIsReportedToTheInvoker() async throws {
        let session = RuntimeSession()
        #expect(
            session.initError(body: Data(#"{"errorType":"Runtime.ImportModuleError"}"#.utf8), errorTypeHeader: "Runtime.ImportModuleError")
                == .accepted)
        #expect(
            try await session.initialized()
                == .failed(payload: Data(#"{"errorType":"Runtime.ImportModuleError"}"#.utf8), errorType: "Runtime.ImportModuleError"))
        #expect(session.initError(body: Data(), errorTypeHeader: nil) == .invalidTransition(from: "InitError", to: "InitError"))
    }

    @Test func aSecondNextWhileOneIsParkedIsRefused() async throws {
        let session = RuntimeSession()
        let first = session.makeToken()
        let parked = Task { try await session.next(token: first) }
        _ = try await session.initialized()
        let second = session.makeToken()
        await #expect(throws: RuntimeAPIRefusal.self) { try await session.next(token: second) }
        session.withdraw(token: first)
        await #expect(throws: CancellationError.self) { try await parked.value }
    }

    @Test func errorsCarrySanitizedTypesAndTooLargeResponsesFail() async throws {
        let session = RuntimeSession()
        let token = session.makeToken()
        async let reply = session.run(Self.invocation())
        _ = try await session.next(token: token)
        #expect(session.fail(id: "req-1", body: Data("{}".utf8), errorTypeHeader: "ValueError") == .accepted)
        #expect(try await reply == .error(Data("{}".utf8), errorType: "Runtime.Unknown"))

        async let second = session.run(Self.invocation("req-2"))
        _ = try await session.next(token: session.makeToken())
        #expect((session.respond(id: "req-2", body: Data(), contentType: nil, tooLarge: true)).status == 413)
        #expect(try await second == .responseTooLarge)
    }

    @Test(
        "Platform error types, as AWS sanitises them",
        arguments: [
            (nil as String?, "Runtime.Unknown"), ("Runtime.ImportModuleError", "Runtime.ImportModuleError"),
            ("Function.Oops", "Function.Oops"), ("Function.bad", "Function.Unknown"), ("RuntimeError", "Runtime.Unknown"),
        ])
    func platformErrorTypes(header: String?, expected: String) {
        #expect(RuntimeSession.platformErrorType(header) == expected)
    }

    @Test func endingTheSessionReleasesEveryWaiter() async throws {
        let session = RuntimeSession()
        let waiting = Task { try await session.initialized() }
        try await Task.sleep(for: .milliseconds(20))
        session.end()
        await #expect(throws: RuntimeSession.Interruption.self) { try await waiting.value }
        await #expect(throws: RuntimeSession.Interruption.self) { try await session.run(Self.invocation()) }
    }

    @Test func theDeadlineEndsAWaitThatGetsNoAnswer() async throws {
        let loop = NIOAsyncTestingEventLoop()
        let session = RuntimeSession()
        async let next = session.next(token: session.makeToken())
        _ = try await session.initialized()
        let running = Task { try await session.run(Self.invocation(), deadline: (.seconds(3), loop)) }
        // The runtime has the invocation once the deadline is set.
        #expect(try await next.requestID == "req-1")
        await loop.advanceTime(by: .seconds(3))
        await #expect(throws: RuntimeSession.Interruption.timedOut) { try await running.value }
        await loop.shutdownGracefully()
    }

    @Test func anAnswerBeforeTheDeadlineIsTheReply() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let session = RuntimeSession()
        async let next = session.next(token: session.makeToken())
        _ = try await session.initialized()
        async let reply = session.run(Self.invocation(), deadline: (.seconds(900), group.next()))
        _ = try await next
        #expect(session.respond(id: "req-1", body: Data("7".utf8), contentType: nil, tooLarge: false) == .accepted)
        #expect(try await reply == .response(Data("7".utf8), contentType: nil))
        // The next invocation has a deadline of its own.
        async let second = session.run(Self.invocation("req-2"), deadline: (.seconds(900), group.next()))
        #expect(try await session.next(token: session.makeToken()).requestID == "req-2")
        #expect(session.respond(id: "req-2", body: Data("8".utf8), contentType: nil, tooLarge: false) == .accepted)
        #expect(try await second == .response(Data("8".utf8), contentType: nil))
        try await group.shutdownGracefully()
    }

    @Test func theRuntimesExitEndsTheWait() async throws {
        let session = RuntimeSession()
        async let next = session.next(token: session.makeToken())
        _ = try await session.initialized()
        let running = Task { try await session.run(Self.invocation()) }
        _ = try await next
        session.runtimeExited()
        await #expect(throws: RuntimeSession.Interruption.ended) { try await running.value }
        await #expect(throws: RuntimeSession.Interruption.ended) { try await session.run(Self.invocation("req-2")) }
    }

    @Test func runIsCancellable() async throws {
        let session = RuntimeSession()
        let running = Task { try await session.run(Self.invocation()) }
        try await Task.sleep(for: .milliseconds(20))
        running.cancel()
        await #expect(throws: CancellationError.self) { try await running.value }
    }

    @Test(
        "Runtime API routes",
        arguments: [
            ("GET", "/2018-06-01/runtime/invocation/next", RuntimeRoute.next),
            ("POST", "/2018-06-01/runtime/invocation/abc/response", .response("abc")),
            ("POST", "/2018-06-01/runtime/invocation/abc/error", .error("abc")),
            ("POST", "/2018-06-01/runtime/init/error", .initError),
            ("GET", "/2018-06-01/ping", .ping),
            ("POST", "/2018-06-01/runtime/invocation/next", .unknown),
            ("GET", "/2018-06-01/runtime/invocation/abc/response", .unknown),
            ("GET", "/2020-01-01/extension/register", .unknown),
        ])
    func routes(method: String, path: String, expected: RuntimeRoute) {
        #expect(RuntimeRoute(method: .init(rawValue: method), segments: path.split(separator: "/").map(String.init)) == expected)
    }
}
