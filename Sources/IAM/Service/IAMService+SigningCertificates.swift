import AWSWire
import BulwarkCore
import Foundation
import Store

/// X.509 signing certificates of users and of the account root: two per owner, each certificate
/// once in the account. With no `UserName` an operation acts on the caller (a user, or the root).
extension IAMService {
    var signingCertificateOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "UploadSigningCertificate", action: "iam:UploadSigningCertificate", readOnly: false,
                input: IAMAPI.UploadSigningCertificateRequest.self,
                references: { input, context in Self.userOrCaller(input.userName, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: uploadSigningCertificate
            ),
            ServiceOperation(
                "ListSigningCertificates", action: "iam:ListSigningCertificates", readOnly: true,
                input: IAMAPI.ListSigningCertificatesRequest.self,
                references: { input, context in Self.userOrCaller(input.userName, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: listSigningCertificates
            ),
            ServiceOperation(
                "UpdateSigningCertificate", action: "iam:UpdateSigningCertificate", readOnly: false,
                input: IAMAPI.UpdateSigningCertificateRequest.self,
                references: { input, context in Self.certificateReferences(input.userName, input.certificateId, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: updateSigningCertificate
            ),
            ServiceOperation(
                "DeleteSigningCertificate", action: "iam:DeleteSigningCertificate", readOnly: false,
                input: IAMAPI.DeleteSigningCertificateRequest.self,
                references: { input, context in Self.certificateReferences(input.userName, input.certificateId, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: deleteSigningCertificate
            ),
        ]
    }

    @Sendable func uploadSigningCertificate(
        _ input: IAMAPI.UploadSigningCertificateRequest, _ context: CallContext
    ) async throws -> IAMAPI.UploadSigningCertificateResponse {
        let owner = try certificateOwner(input.userName, context)
        let now = clock.now()
        let material: SigningCertificateMaterial
        do {
            material = try SigningCertificateMaterial(parsing: input.certificateBody, now: now)
        } catch .expired {
            throw AWSError(code: "MalformedCertificate", message: "Certificate is expired.", status: 400)
        } catch {
            throw AWSError(
                code: "MalformedCertificate", message: "Unable to parse certificate. Please ensure the certificate is in PEM format.", status: 400)
        }
        let record = SigningCertificateRecord(
            certificateID: KeyMaterial.certificateID(), accountID: context.accountID, ownerID: owner.id, body: input.certificateBody,
            digest: material.digest, status: "Active", uploadedAt: now)
        do {
            try await database.signingCertificates.create(record, limit: quotas.signingCertificatesPerUser)
        } catch IAMStoreError.duplicate {
            throw AWSError(
                code: "DuplicateCertificate",
                message: "The request was rejected because the same certificate is associated with an IAM user in the account.",
                status: 409)
        } catch IAMStoreError.limitExceeded {
            throw IAMError.limitExceeded("Cannot exceed quota for CertificatesPerUser: \(quotas.signingCertificatesPerUser)")
        }
        return IAMAPI.UploadSigningCertificateResponse(certificate: Self.signingCertificate(record, ownerName: owner.name))
    }

    @Sendable func listSigningCertificates(
        _ input: IAMAPI.ListSigningCertificatesRequest, _ context: CallContext
    ) async throws -> IAMAPI.ListSigningCertificatesResponse {
        let owner = try certificateOwner(input.userName, context)
        let all = try await database.signingCertificates.certificates(accountID: context.accountID, ownerID: owner.id)
        let page = try IAMPage(all, key: \.certificateID, marker: input.marker, maxItems: input.maxItems)
        return IAMAPI.ListSigningCertificatesResponse(
            certificates: page.items.map { Self.signingCertificate($0, ownerName: owner.name) }, isTruncated: page.isTruncated,
            marker: page.marker)
    }

    @Sendable func updateSigningCertificate(_ input: IAMAPI.UpdateSigningCertificateRequest, _ context: CallContext) async throws -> EmptyOutput {
        let certificate = try ownedCertificate(input.userName, input.certificateId, context)
        guard input.status == "Active" || input.status == "Inactive" else {
            throw IAMError.validation("Invalid status \(input.status): the status must be Active or Inactive.")
        }
        do {
            try await database.signingCertificates.setStatus(input.status, id: certificate.certificateID, accountID: context.accountID)
        } catch StoreError.notFound {
            throw Self.noSuchCertificate(certificate.certificateID)
        }
        return EmptyOutput()
    }

    @Sendable func deleteSigningCertificate(_ input: IAMAPI.DeleteSigningCertificateRequest, _ context: CallContext) async throws -> EmptyOutput {
        let certificate = try ownedCertificate(input.userName, input.certificateId, context)
        do {
            try await database.signingCertificates.delete(id: certificate.certificateID, accountID: context.accountID)
        } catch StoreError.notFound {
            throw Self.noSuchCertificate(certificate.certificateID)
        }
        return EmptyOutput()
    }

    // MARK: Shared steps

    /// The owner an operation names (else the caller) and the certificate it names.
    static func certificateReferences(_ userName: String?, _ certificateID: String, _ context: CallContext) -> [ResourceReference] {
        userOrCaller(userName, context)
            + [ResourceReference(.iamSigningCertificate, member: "CertificateId", text: certificateID, use: .implied)]
    }

    /// The owner's id as certificates record it and the name answers show: the named user, else
    /// the calling user or the root.
    private func certificateOwner(_ userName: String?, _ context: CallContext) throws -> (id: String, name: String) {
        guard let name = try Self.callerUserName(userName, context) else {
            return (SigningCertificateRecord.root, context.accountID)
        }
        let user = try existing(.user, name, context)
        return (user.uniqueID, user.name)
    }

    /// The certificate the resolve stage found, when it is the owner's.
    private func ownedCertificate(_ userName: String?, _ certificateID: String, _ context: CallContext) throws -> SigningCertificateRecord {
        let owner = try certificateOwner(userName, context)
        guard let resolved = context.resolution.resource(.iamSigningCertificate, named: certificateID) else {
            throw AWSError.undeclaredReference(.iamSigningCertificate, requestID: context.requestID)
        }
        guard let certificate = resolved.entity(as: SigningCertificateRecord.self), certificate.ownerID == owner.id else {
            throw Self.noSuchCertificate(certificateID)
        }
        return certificate
    }

    static func noSuchCertificate(_ id: String) -> AWSError {
        IAMError.noSuchEntity("The Certificate with id \(id) cannot be found.")
    }

    static func signingCertificate(_ record: SigningCertificateRecord, ownerName: String) -> IAMAPI.SigningCertificate {
        IAMAPI.SigningCertificate(
            userName: ownerName, certificateId: record.certificateID, certificateBody: record.body, status: record.status,
            uploadDate: record.uploadedAt)
    }
}
