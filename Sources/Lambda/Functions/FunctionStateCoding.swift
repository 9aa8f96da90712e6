import BulwarkCore
import Foundation

/// The stored form of ``FunctionState``: JSON with dates in seconds since 1970.
enum FunctionStateCoding {
    static func encode(_ state: FunctionState) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(state)
    }

    static func decode(_ data: Data) throws -> FunctionState {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try decoder.decode(FunctionState.self, from: data)
        } catch {
            throw AWSError(code: "ServiceException", message: "A stored function configuration cannot be read.", status: 500)
        }
    }
}
