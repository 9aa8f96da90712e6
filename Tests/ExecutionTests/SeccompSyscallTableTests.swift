import Foundation
import Testing

@testable import Execution

/// Checks the syscall numbers against the kernel headers installed on this machine (linux-libc-dev), which are an
/// independent copy of the kernel's tables. Calls newer than the headers must be numbered past the headers' last.
@Suite("Seccomp syscall table")
struct SeccompSyscallTableTests {
    static let x86_64Header = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"
    /// arm64's uapi asm/unistd.h includes this generic table.
    static let genericHeader = "/usr/include/asm-generic/unistd.h"

    static let named: [SeccompSyscall] = {
        var seen: Set<String> = []
        return SeccompFilter.lambdaRules.map(\.syscall).filter { seen.insert($0.name).inserted }
    }()

    /// `#define __NR_name number` (and the generic table's `__NR3264_name`), by name.
    static func numbers(in path: String) throws -> [String: UInt32] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var numbers: [String: UInt32] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 3, fields[0] == "#define", fields[1] != "__NR_syscalls", let number = UInt32(fields[2]) else { continue }
            for prefix in ["__NR3264_", "__NR_"] where fields[1].hasPrefix(prefix) {
                numbers[String(fields[1].dropFirst(prefix.count))] = number
                break
            }
        }
        return numbers
    }

    @Test("x86_64 numbers match asm/unistd_64.h", .enabled(if: FileManager.default.fileExists(atPath: x86_64Header)))
    func x86_64() throws {
        try Self.check(\.x86_64, against: Self.numbers(in: Self.x86_64Header))
    }

    @Test("aarch64 numbers match asm-generic/unistd.h", .enabled(if: FileManager.default.fileExists(atPath: genericHeader)))
    func aarch64() throws {
        try Self.check(\.aarch64, against: Self.numbers(in: Self.genericHeader))
    }

    static func check(_ number: KeyPath<SeccompSyscall, UInt32?>, against header: [String: UInt32]) {
        let newest = header.values.max() ?? 0
        #expect(newest > 400)
        var matched = 0
        for syscall in named {
            switch (syscall[keyPath: number], header[syscall.name]) {
            case (let ours?, let theirs?):
                #expect(ours == theirs, "\(syscall.name)")
                matched += 1
            case (let ours?, nil):
                #expect(ours > newest, "\(syscall.name) is missing from the header yet numbered \(ours)")
            case (nil, let theirs?):
                Issue.record("\(syscall.name) is \(theirs) in the header but absent from the table")
            case (nil, nil):
                break
            }
        }
        #expect(matched >= 55)
    }
}
