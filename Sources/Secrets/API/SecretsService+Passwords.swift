import AWSWire
import BulwarkCore

/// GetRandomPassword: a password drawn with the system's cryptographic generator from the character
/// types the caller keeps — lower and upper case letters, digits, AWS's punctuation and, when asked,
/// the space — with at least one of each kept type unless `RequireEachIncludedType` is false.
extension SecretsService {
    static let lowercase = Array("abcdefghijklmnopqrstuvwxyz")
    static let uppercase = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    static let digits = Array("0123456789")
    /// The punctuation of GetRandomPassword's API reference.
    static let punctuation = Array(##"!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"##)
    static let defaultPasswordLength = 32

    var passwordOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "GetRandomPassword", action: "secretsmanager:GetRandomPassword", readOnly: true,
                input: SecretsAPI.GetRandomPasswordRequest.self,
                handler: getRandomPassword
            )
        ]
    }

    @Sendable func getRandomPassword(
        _ input: SecretsAPI.GetRandomPasswordRequest, _ context: CallContext
    ) async throws -> SecretsAPI.GetRandomPasswordResponse {
        let length = Int(input.passwordLength ?? Int64(Self.defaultPasswordLength))
        let excluded = Set(input.excludeCharacters ?? "")
        var types: [[Character]] = []
        if input.excludeLowercase != true { types.append(Self.lowercase) }
        if input.excludeUppercase != true { types.append(Self.uppercase) }
        if input.excludeNumbers != true { types.append(Self.digits) }
        if input.excludePunctuation != true { types.append(Self.punctuation) }
        if input.includeSpace == true { types.append([" "]) }
        types = types.map { $0.filter { !excluded.contains($0) } }.filter { !$0.isEmpty }
        guard !types.isEmpty else {
            throw SecretsError.invalidParameter("The password can't be generated: every character type is excluded.")
        }
        let requireEach = input.requireEachIncludedType ?? true
        if requireEach, length < types.count {
            throw SecretsError.invalidParameter("Password length is too short based on the required types.")
        }
        return SecretsAPI.GetRandomPasswordResponse(randomPassword: Self.password(length: length, types: types, requireEach: requireEach))
    }

    /// `length` characters of `types`, one of each first when `requireEach`, in a random order.
    static func password(length: Int, types: [[Character]], requireEach: Bool) -> String {
        var generator = SystemRandomNumberGenerator()
        let all = types.flatMap { $0 }
        var characters = requireEach ? types.map { $0.randomElement(using: &generator)! } : []
        while characters.count < length { characters.append(all.randomElement(using: &generator)!) }
        characters.shuffle(using: &generator)
        return String(characters)
    }
}
