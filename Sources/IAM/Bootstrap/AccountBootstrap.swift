import BulwarkCore
import Foundation
import Store

/// Creates the installation's account and first administrator key on first start — generated, or
/// supplied by the operator (for CI, migrations, and suites that expect fixed credentials).
///
/// The supplied key is an ordinary key of the account: it signs requests like any other.
public struct AccountBootstrap: Sendable {
    /// Values the operator supplies instead of generated ones. All optional; a key needs both halves.
    public struct Supplied: Sendable, Equatable {
        public var accountID: String?
        public var accessKeyID: String?
        public var secretAccessKey: String?

        public init(accountID: String? = nil, accessKeyID: String? = nil, secretAccessKey: String? = nil) {
            self.accountID = accountID
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
        }

        public var isEmpty: Bool { accountID == nil && accessKeyID == nil && secretAccessKey == nil }
    }

    /// What the bootstrap found or did.
    public enum Outcome: Sendable, Equatable {
        /// A new account: its id and the administrator key, secret included (shown once).
        case created(accountID: String, accessKeyID: String, secretAccessKey: String)
        /// The data directory already held this account.
        case existing(accountID: String)
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case invalid(String)
        case mismatch(String)

        public var description: String {
            switch self {
            case .invalid(let message), .mismatch(let message): message
            }
        }
    }

    private let accounts: AccountRepository
    private let clock: WallClock

    public init(accounts: AccountRepository, clock: WallClock = .system) {
        self.accounts = accounts
        self.clock = clock
    }

    public func run(_ supplied: Supplied) async throws -> Outcome {
        try Self.validate(supplied)
        if let existing = try await accounts.account() {
            try await checkConsistent(supplied, with: existing)
            return .existing(accountID: existing.id)
        }
        let accountID = supplied.accountID ?? KeyMaterial.accountID()
        let accessKeyID = supplied.accessKeyID ?? KeyMaterial.accessKeyID()
        let secret = supplied.secretAccessKey ?? KeyMaterial.secretAccessKey()
        let now = clock.now()
        try await accounts.bootstrap(
            AccountRecord(id: accountID, createdAt: now),
            rootKey: AccessKeyRecord(
                accessKeyID: accessKeyID, secretAccessKey: secret, accountID: accountID,
                userName: nil, status: .active, createdAt: now
            )
        )
        return .created(accountID: accountID, accessKeyID: accessKeyID, secretAccessKey: secret)
    }

    /// A later start may repeat the supplied values, but never change them.
    private func checkConsistent(_ supplied: Supplied, with account: AccountRecord) async throws {
        if let accountID = supplied.accountID, accountID != account.id {
            throw Failure.mismatch("The data directory already holds account \(account.id); it cannot become account \(accountID).")
        }
        if let accessKeyID = supplied.accessKeyID {
            guard let key = try await accounts.accessKey(accessKeyID), key.accountID == account.id,
                supplied.secretAccessKey == nil || supplied.secretAccessKey == key.secretAccessKey
            else {
                throw Failure.mismatch("The supplied administrator key does not match the keys of account \(account.id) in this data directory.")
            }
        }
    }

    static func validate(_ supplied: Supplied) throws {
        if let accountID = supplied.accountID,
            accountID.utf8.count != 12 || !accountID.utf8.allSatisfy({ (0x30...0x39).contains($0) })
        {
            throw Failure.invalid("The account id must be 12 digits.")
        }
        if (supplied.accessKeyID == nil) != (supplied.secretAccessKey == nil) {
            throw Failure.invalid("Supply both the access key id and its secret, or neither.")
        }
        if let accessKeyID = supplied.accessKeyID {
            let valid =
                (16...128).contains(accessKeyID.utf8.count)
                && accessKeyID.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            guard valid else { throw Failure.invalid("The access key id must be 16 to 128 letters, digits or underscores, as AWS requires.") }
        }
        if let secret = supplied.secretAccessKey {
            let valid =
                (16...128).contains(secret.utf8.count) && secret.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }
            guard valid else { throw Failure.invalid("The secret access key must be 16 to 128 printable ASCII characters without spaces.") }
        }
    }
}
