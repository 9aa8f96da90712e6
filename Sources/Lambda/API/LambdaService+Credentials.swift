import BulwarkCore
import Foundation
import Store
import ZIPFoundation

/// The credential scan (decision 0016): environment variables that look like credentials are
/// refused (or, when the server was started with `--credential-findings warn`, accepted and
/// recorded), and every uploaded package is scanned, its findings recorded in the store.
extension LambdaService {
    /// What happens to environment variables that look like credentials.
    public enum CredentialFindingsMode: String, Sendable, CaseIterable {
        /// CreateFunction / UpdateFunctionConfiguration answer InvalidParameterValueException.
        case refuse
        /// The change is made and the findings are recorded.
        case warn
    }

    /// The findings in `variables`. - Throws: InvalidParameterValueException naming the variables
    /// (never their values) and pointing to Secrets Manager, unless the server only warns.
    func checkCredentials(_ variables: [String: String]) throws -> [CredentialScanner.Finding] {
        let findings = CredentialScanner.scan(variables: variables)
        guard !findings.isEmpty, settings.credentialFindings == .refuse else { return findings }
        let named = findings.map { "\($0.location) (\($0.kind))" }.joined(separator: ", ")
        throw LambdaError.invalidParameter(
            "Environment variables must not hold credentials: \(named) looks like a credential. Store it in AWS Secrets Manager and read it from the function at run time (for example with boto3's secretsmanager client or the AWS Parameters and Secrets Lambda Extension)."
        )
    }

    /// The findings in a package's text files (files up to 1 MB).
    static func scanPackage(_ zip: Data) -> [CredentialScanner.Finding] {
        guard let archive = try? Archive(data: zip, accessMode: .read, pathEncoding: nil) else { return [] }
        var findings: [CredentialScanner.Finding] = []
        for entry in archive where entry.type == .file && entry.uncompressedSize <= 1 << 20 {
            var contents = Data()
            guard (try? archive.extract(entry, skipCRC32: true, consumer: { contents.append($0) })) != nil else { continue }
            guard !contents.contains(0), let text = String(data: contents, encoding: .utf8) else { continue }
            findings += CredentialScanner.scan(text: text, path: entry.path)
        }
        return findings
    }

    /// Records what the scan found for a function (and that a source is clean again).
    func recordFindings(
        environment: [CredentialScanner.Finding]?, code: [CredentialScanner.Finding]?, functionARN: String
    ) async throws {
        let now = clock.now()
        if let environment { try await database.credentialFindings.replace(environment, functionARN: functionARN, source: .environment, now: now) }
        if let code { try await database.credentialFindings.replace(code, functionARN: functionARN, source: .code, now: now) }
    }
}
