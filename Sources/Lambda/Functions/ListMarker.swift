import Foundation

/// The opaque pagination marker of `ListFunctions`: where the previous page ended.
struct ListMarker: Codable, Sendable, Equatable {
    var name: String
    var version: String

    var encoded: String {
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        return data.base64EncodedString()
    }

    static func decode(_ text: String) throws -> ListMarker {
        guard let data = Data(base64Encoded: text), let marker = try? JSONDecoder().decode(ListMarker.self, from: data) else {
            throw LambdaError.invalidParameter("Invalid marker: \(text)")
        }
        return marker
    }
}
