import AWSWire
import Foundation
import HTTPTypes

/// Reads fuzzer input as an HTTP/1.1 request, the way a client could send it:
///
/// ```
/// METHOD /path?query
/// Name: value
///
/// body
/// ```
///
/// Lines end with `\n` (a `\r` before it is dropped). Header lines that are no valid field are skipped,
/// as the HTTP server would refuse them before Bulwark sees them; so is a method that is not a token.
public enum RawRequest {
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> WireRequest {
        var lines: [Substring] = []
        var body = Data()
        var lineStart = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                let line = String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<index]), as: UTF8.self)
                let trimmed = line.hasSuffix("\r") ? line.dropLast() : line[...]
                lineStart = index + 1
                if trimmed.isEmpty && !lines.isEmpty {
                    body = Data(UnsafeBufferPointer(rebasing: bytes[lineStart...]))
                    lineStart = bytes.count
                    break
                }
                lines.append(trimmed)
            }
            index += 1
        }
        if lineStart < bytes.count {
            lines.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart...]), as: UTF8.self)[...])
        }

        let requestLine = lines.first ?? ""
        let parts = requestLine.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        let method = parts.first.flatMap { HTTPRequest.Method(String($0)) } ?? .get
        let target = parts.count > 1 ? String(parts[1]) : "/"

        var headers = HTTPFields()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), let name = HTTPField.Name(String(line[..<colon])) else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append(HTTPField(name: name, value: value))
        }
        return WireRequest(method: method, target: target, headers: headers, body: body)
    }
}
