import BulwarkCore
import Foundation

/// Moves values between the model-keyed JSON documents of the codecs and the generated Swift shapes.
///
/// Conventions of the document form: members are keyed by their model names, blobs are base64
/// strings and timestamps are seconds since 1970 — the codecs convert to and from each protocol's
/// own formats.
public enum ShapeCoding {
    public static func decode<T: Decodable>(_ type: T.Type, from document: JSONValue) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        decoder.dataDecodingStrategy = .base64
        do {
            return try decoder.decode(T.self, from: document.serialized())
        } catch {
            throw AWSError.validation("The request does not match the shape of the operation's input: \(describe(error))")
        }
    }

    public static func encode<T: Encodable>(_ value: T) -> JSONValue {
        (try? JSONValueEncoder.encode(value)) ?? .object([:])
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "malformed value" }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        @unknown default:
            return "malformed value"
        }
    }
}
