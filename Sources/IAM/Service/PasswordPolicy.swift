import Foundation

/// An account's password policy for its users' console passwords, as `UpdateAccountPasswordPolicy`
/// sets it: a member left out takes IAM's default, not the value it had.
struct PasswordPolicy: Codable, Sendable, Equatable {
    var minimumPasswordLength = 6
    var requireSymbols = false
    var requireNumbers = false
    var requireUppercaseCharacters = false
    var requireLowercaseCharacters = false
    var allowUsersToChangePassword = false
    /// Days a password lives; nil when passwords do not expire.
    var maxPasswordAge: Int?
    var passwordReusePrevention: Int?
    var hardExpiry: Bool?

    /// The characters IAM counts as symbols: ! @ # $ % ^ & * ( ) _ + - = [ ] { } | '
    static let symbols = Set("!@#$%^&*()_+-=[]{}|'")

    /// Whether `password` satisfies the policy; without one, IAM's default policy applies: at least
    /// eight characters of at least three kinds (upper case, lower case, digits, symbols).
    static func allows(_ password: String, under policy: PasswordPolicy?) -> Bool {
        let upper = password.contains { $0.isASCII && $0.isUppercase }
        let lower = password.contains { $0.isASCII && $0.isLowercase }
        let digit = password.contains { $0.isASCII && $0.isNumber }
        let symbol = password.contains { symbols.contains($0) }
        guard let policy else {
            return password.count >= 8 && [upper, lower, digit, symbol].filter { $0 }.count >= 3
        }
        return password.count >= policy.minimumPasswordLength && (!policy.requireSymbols || symbol) && (!policy.requireNumbers || digit)
            && (!policy.requireUppercaseCharacters || upper) && (!policy.requireLowercaseCharacters || lower)
    }

    /// The stored form.
    var encoded: String {
        String(decoding: (try? JSONEncoder().encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    init() {}

    init?(encoded text: String?) {
        guard let text, let policy = try? JSONDecoder().decode(PasswordPolicy.self, from: Data(text.utf8)) else { return nil }
        self = policy
    }
}
