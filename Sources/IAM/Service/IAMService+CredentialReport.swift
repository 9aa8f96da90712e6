import AWSWire
import BulwarkCore
import Foundation
import Store

/// The credential report: every user's (and the root's) passwords, MFA and access keys in one CSV.
extension IAMService {
    var credentialReportOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "GenerateCredentialReport", action: "iam:GenerateCredentialReport", readOnly: false,
                input: EmptyInput.self,
                handler: generateCredentialReport
            ),
            ServiceOperation(
                "GetCredentialReport", action: "iam:GetCredentialReport", readOnly: true, input: EmptyInput.self,
                handler: getCredentialReport
            ),
        ]
    }

    /// How long IAM keeps serving a report before it expires (four hours).
    static let credentialReportLifetime: TimeInterval = 4 * 3600

    /// A new report when there is none or the last one is older than four hours: `STARTED` then,
    /// `COMPLETE` when a current one exists, as IAM answers.
    @Sendable func generateCredentialReport(
        _ input: EmptyInput, _ context: CallContext
    ) async throws -> IAMAPI.GenerateCredentialReportResponse {
        let now = clock.now()
        if let last = try await database.accountSettings.credentialReport(accountID: context.accountID),
            now.timeIntervalSince(last.generatedAt) < Self.credentialReportLifetime
        {
            return IAMAPI.GenerateCredentialReportResponse(state: "COMPLETE")
        }
        let report = try await credentialReport(context)
        try await database.accountSettings.saveCredentialReport(Data(report.csv.utf8), generatedAt: now, accountID: context.accountID)
        return IAMAPI.GenerateCredentialReportResponse(state: "STARTED", description: "No report exists. Starting a new report generation task")
    }

    @Sendable func getCredentialReport(
        _ input: EmptyInput, _ context: CallContext
    ) async throws -> IAMAPI.GetCredentialReportResponse {
        guard let report = try await database.accountSettings.credentialReport(accountID: context.accountID) else {
            // IAM's answer carries no message.
            throw AWSError(code: "ReportNotPresent", message: "", status: 410)
        }
        guard clock.now().timeIntervalSince(report.generatedAt) < Self.credentialReportLifetime else {
            throw AWSError(
                code: "ReportExpired",
                message: "The request was rejected because the most recent credential report has expired. "
                    + "To generate a new credential report, use GenerateCredentialReport.",
                status: 410)
        }
        return IAMAPI.GetCredentialReportResponse(content: report.content, reportFormat: "text/csv", generatedTime: report.generatedAt)
    }

    /// The report of the account as it is now.
    private func credentialReport(_ context: CallContext) async throws -> CredentialReport {
        let accountID = context.accountID
        let account = try await database.accounts.account()
        let devices = try await database.credentials.mfaDevices(accountID: accountID).filter { $0.enabledAt != nil }
        let profiles = try await database.accountSettings.loginProfiles(accountID: accountID)
        let maxAge = try await passwordPolicy(context)?.maxPasswordAge
        var rows = [
            CredentialReport.Identity(
                name: "<root_account>", arn: "arn:aws:iam::\(accountID):root", createdAt: account?.createdAt ?? Date(timeIntervalSince1970: 0),
                password: nil, mfaActive: devices.contains { $0.userName == nil }, keys: try await reportKeys(of: nil, accountID),
                certificates: try await reportCertificates(of: SigningCertificateRecord.root, accountID))
        ]
        for user in try await database.iam.principals(.user, accountID: accountID, after: nil, limit: Self.listingLimit) {
            let profile = profiles[user.uniqueID]
            let password = CredentialReport.Password(
                enabled: profile != nil, changedAt: profile?.passwordChangedAt,
                nextRotation: profile.flatMap { profile in maxAge.map { profile.passwordChangedAt.addingTimeInterval(TimeInterval($0) * 86_400) } })
            rows.append(
                CredentialReport.Identity(
                    name: user.name, arn: user.arn, createdAt: user.createdAt, password: password,
                    mfaActive: devices.contains { $0.userName?.lowercased() == user.name.lowercased() },
                    keys: try await reportKeys(of: user.name, accountID),
                    certificates: try await reportCertificates(of: user.uniqueID, accountID)))
        }
        return CredentialReport(rows: rows)
    }

    private func reportCertificates(of ownerID: String, _ accountID: String) async throws -> [CredentialReport.Certificate] {
        try await database.signingCertificates.certificates(accountID: accountID, ownerID: ownerID).map {
            CredentialReport.Certificate(active: $0.status == "Active", uploadedAt: $0.uploadedAt)
        }
    }

    private func reportKeys(of userName: String?, _ accountID: String) async throws -> [CredentialReport.Key] {
        var keys: [CredentialReport.Key] = []
        for key in try await database.credentials.accessKeys(ofUser: userName, accountID: accountID) {
            let use = try await database.credentials.lastUse(of: key.accessKeyID)
            keys.append(
                CredentialReport.Key(
                    active: key.status == .active, createdAt: key.createdAt,
                    lastUsed: use?.date.map { ($0, use?.region, use?.service) }))
        }
        return keys
    }
}
