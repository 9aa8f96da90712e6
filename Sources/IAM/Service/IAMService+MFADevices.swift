import AWSWire
import BulwarkCore
import Foundation
import Store

/// Virtual MFA devices: created unassigned with a fresh TOTP seed, enabled for a user with two consecutive codes,
/// resynchronized, deactivated and deleted. A device's serial number is its ARN,
/// `arn:aws:iam::<account>:mfa<path><name>`, which `iam:CreateVirtualMFADevice` and `iam:DeleteVirtualMFADevice`
/// are authorized on; the operations that tie a device to a user are authorized on the user.
extension IAMService {
    var mfaDeviceOperations: [ServiceOperation] {
        [
            ServiceOperation(
                "CreateVirtualMFADevice", action: "iam:CreateVirtualMFADevice", readOnly: false,
                input: IAMAPI.CreateVirtualMFADeviceRequest.self,
                references: { input, context in
                    [
                        ResourceReference(
                            .iamMFADevice, member: "VirtualMFADeviceName",
                            text: Self.mfaARN(accountID: context.accountID, path: input.path, name: input.virtualMFADeviceName), intent: .creating)
                    ]
                },
                conditionKeys: { input, _, _ in Self.requestTagKeys(input.tags) },
                furtherChecks: { input, resolution, _ in
                    Self.tagOnCreate(input.tags, action: "iam:TagMFADevice", resource: resolution.actedOnARNs[0])
                },
                handler: createVirtualMFADevice
            ),
            ServiceOperation(
                "EnableMFADevice", action: "iam:EnableMFADevice", readOnly: false, input: IAMAPI.EnableMFADeviceRequest.self,
                references: { input, _ in
                    [
                        Self.named(.user, "UserName", input.userName),
                        ResourceReference(.iamMFADevice, member: "SerialNumber", text: input.serialNumber, use: .implied),
                    ]
                },
                handler: enableMFADevice
            ),
            ServiceOperation(
                "ResyncMFADevice", action: "iam:ResyncMFADevice", readOnly: false, input: IAMAPI.ResyncMFADeviceRequest.self,
                references: { input, _ in [Self.named(.user, "UserName", input.userName)] },
                handler: resyncMFADevice
            ),
            ServiceOperation(
                "DeactivateMFADevice", action: "iam:DeactivateMFADevice", readOnly: false, input: IAMAPI.DeactivateMFADeviceRequest.self,
                references: { input, context in Self.userOrCaller(input.userName, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: deactivateMFADevice
            ),
            ServiceOperation(
                "DeleteVirtualMFADevice", action: "iam:DeleteVirtualMFADevice", readOnly: false,
                input: IAMAPI.DeleteVirtualMFADeviceRequest.self,
                references: { input, _ in [ResourceReference(.iamMFADevice, member: "SerialNumber", text: input.serialNumber)] },
                handler: deleteVirtualMFADevice
            ),
            ServiceOperation(
                "ListMFADevices", action: "iam:ListMFADevices", readOnly: true, input: IAMAPI.ListMFADevicesRequest.self,
                references: { input, context in Self.userOrCaller(input.userName, context) },
                resources: { _, resolution, context in Self.userOrCallerARN(resolution, context) },
                handler: listMFADevices
            ),
            ServiceOperation(
                "ListVirtualMFADevices", action: "iam:ListVirtualMFADevices", readOnly: true,
                input: IAMAPI.ListVirtualMFADevicesRequest.self,
                handler: listVirtualMFADevices
            ),
        ] + mfaDeviceTagOperations
    }

    @Sendable func createVirtualMFADevice(
        _ input: IAMAPI.CreateVirtualMFADeviceRequest, _ context: CallContext
    ) async throws -> IAMAPI.CreateVirtualMFADeviceResponse {
        let tags = try Self.checkTags(input.tags)
        let serialNumber = Self.mfaARN(accountID: context.accountID, path: input.path, name: input.virtualMFADeviceName)
        // Every other operation names the device by a serial number of at most 256 characters.
        guard serialNumber.count <= Self.maxSerialNumberLength else {
            throw IAMError.invalidInput(
                "The serial number \(serialNumber) would be longer than \(Self.maxSerialNumberLength) characters: use a shorter path or name.")
        }
        // IAM names are unique whatever their case.
        let existing = try await database.credentials.mfaDevices(accountID: context.accountID)
        guard !existing.contains(where: { $0.serialNumber.lowercased() == serialNumber.lowercased() }) else {
            throw Self.deviceAlreadyExists
        }
        let seed = TOTP.generateSecret()
        let device = MFADeviceRecord(
            serialNumber: serialNumber, accountID: context.accountID, name: input.virtualMFADeviceName, path: input.path ?? "/", seed: seed,
            userName: nil, enabledAt: nil, lastUsedStep: 0, createdAt: clock.now(), tags: tags
        )
        let uri = OTPAuthURI(deviceName: device.name, accountName: context.accountID, secret: seed)
        guard let qrCode = QRCode(encoding: uri.description) else {
            throw IAMError.invalidInput("The name \(device.name) is too long for a QR code: use a shorter name.")
        }
        do {
            try await database.credentials.createMFADevice(device)
        } catch StoreError.conflict {
            throw Self.deviceAlreadyExists
        }
        return IAMAPI.CreateVirtualMFADeviceResponse(
            virtualMFADevice: IAMAPI.VirtualMFADevice(
                serialNumber: serialNumber, base32StringSeed: Data(Base32.encode(seed).utf8), qrCodePNG: qrCode.pngData(),
                tags: Self.tags(tags)
            )
        )
    }

    @Sendable func enableMFADevice(_ input: IAMAPI.EnableMFADeviceRequest, _ context: CallContext) async throws -> EmptyOutput {
        let user = try existing(.user, input.userName, context)
        _ = try accountDevice(input.serialNumber, context)
        let (code1, code2) = (input.authenticationCode1, input.authenticationCode2)
        let now = clock.now()
        let limit = quotas.mfaDevicesPerUser
        do {
            try await database.credentials.enableMFADevice(input.serialNumber, userName: user.name, limit: limit) { device in
                guard device.enabledAt == nil else { throw IAMError.entityAlreadyExists("MFA Device is already in use.") }
                device.lastUsedStep = try Self.consecutiveCodesStep(code1, code2, device, at: now)
                device.enabledAt = now
            }
        } catch StoreError.notFound {
            throw Self.noSuchDevice(input.serialNumber)
        } catch IAMStoreError.limitExceeded {
            throw IAMError.limitExceeded("Cannot exceed quota for MFADevicesPerUser: \(limit)")
        }
        return EmptyOutput()
    }

    @Sendable func resyncMFADevice(_ input: IAMAPI.ResyncMFADeviceRequest, _ context: CallContext) async throws -> EmptyOutput {
        let user = try existing(.user, input.userName, context)
        let (code1, code2) = (input.authenticationCode1, input.authenticationCode2)
        let now = clock.now()
        try await changeEnabledDevice(input.serialNumber, of: user.name, context) { device in
            device.lastUsedStep = try Self.consecutiveCodesStep(code1, code2, device, at: now)
        }
        return EmptyOutput()
    }

    @Sendable func deactivateMFADevice(_ input: IAMAPI.DeactivateMFADeviceRequest, _ context: CallContext) async throws -> EmptyOutput {
        let owner = try deviceOwner(input.userName, context)
        // The last step used stays, so that the codes already accepted are refused if the device is enabled again.
        try await changeEnabledDevice(input.serialNumber, of: owner, context) { device in
            device.userName = nil
            device.enabledAt = nil
        }
        return EmptyOutput()
    }

    @Sendable func deleteVirtualMFADevice(_ input: IAMAPI.DeleteVirtualMFADeviceRequest, _ context: CallContext) async throws -> EmptyOutput {
        _ = try accountDevice(input.serialNumber, context)
        do {
            try await database.credentials.deleteMFADevice(input.serialNumber)
        } catch StoreError.notFound {
            throw Self.noSuchDevice(input.serialNumber)
        } catch IAMStoreError.hasDependents {
            throw IAMError.deleteConflict("MFA VirtualDevice in use. Must deactivate first.")
        }
        return EmptyOutput()
    }

    @Sendable func listMFADevices(_ input: IAMAPI.ListMFADevicesRequest, _ context: CallContext) async throws -> IAMAPI.ListMFADevicesResponse {
        let owner = try deviceOwner(input.userName, context)
        let devices = try await database.credentials.mfaDevices(accountID: context.accountID).filter { Self.isEnabled($0, for: owner) }
        let page = try IAMPage(devices, key: \.serialNumber, marker: input.marker, maxItems: input.maxItems)
        return IAMAPI.ListMFADevicesResponse(
            mfaDevices: page.items.compactMap { device in
                device.enabledAt.map { IAMAPI.MFADevice(userName: device.userName ?? "", serialNumber: device.serialNumber, enableDate: $0) }
            },
            isTruncated: page.isTruncated, marker: page.marker
        )
    }

    @Sendable func listVirtualMFADevices(
        _ input: IAMAPI.ListVirtualMFADevicesRequest, _ context: CallContext
    ) async throws -> IAMAPI.ListVirtualMFADevicesResponse {
        let devices = try await database.credentials.mfaDevices(accountID: context.accountID).filter { device in
            switch input.assignmentStatus {
            case "Assigned": device.enabledAt != nil
            case "Unassigned": device.enabledAt == nil
            default: true
            }
        }
        let page = try IAMPage(devices, key: \.serialNumber, marker: input.marker, maxItems: input.maxItems)
        let users = try await assignees(of: page.items, context)
        // Lists never carry a device's seed, QR code or tags.
        return IAMAPI.ListVirtualMFADevicesResponse(
            virtualMFADevices: page.items.map { device in
                guard let enabledAt = device.enabledAt else { return IAMAPI.VirtualMFADevice(serialNumber: device.serialNumber) }
                return IAMAPI.VirtualMFADevice(serialNumber: device.serialNumber, user: users[device.userName?.lowercased()], enableDate: enabledAt)
            },
            isTruncated: page.isTruncated, marker: page.marker
        )
    }
}

// MARK: - Shared steps

extension IAMService {
    /// The ARN, and serial number, of a virtual MFA device.
    static func mfaARN(accountID: String, path: String?, name: String) -> String {
        "arn:aws:iam::\(accountID):mfa\(path ?? "/")\(name)"
    }

    /// The longest serial number the API accepts.
    static let maxSerialNumberLength = 256

    /// Steps either side of now that EnableMFADevice and ResyncMFADevice accept codes from (five minutes), so that a
    /// device whose codes were typed in slowly, or whose clock drifts, can still be enabled or resynchronized.
    static let synchronizationWindow = 10

    /// The step of the second of two consecutive codes of the device, neither used before, or InvalidAuthenticationCode.
    static func consecutiveCodesStep(_ code1: String, _ code2: String, _ device: MFADeviceRecord, at date: Date) throws -> Int64 {
        guard
            let step = TOTP(secret: device.seed).matchConsecutive(
                code1, code2, at: date, window: synchronizationWindow, after: device.lastUsedStep)
        else { throw IAMError.invalidAuthenticationCode }
        return step
    }

    /// The account's device with this serial number, or NoSuchEntity.
    func accountDevice(_ serialNumber: String, _ context: CallContext) throws -> MFADeviceRecord {
        guard let resolved = context.resolution.resource(.iamMFADevice, named: serialNumber)
        else { throw AWSError.undeclaredReference(.iamMFADevice, requestID: context.requestID) }
        guard let device = resolved.entity(as: MFADeviceRecord.self), device.accountID == context.accountID else {
            throw Self.noSuchDevice(serialNumber)
        }
        return device
    }

    /// The user whose devices an operation with an optional `UserName` acts on (nil: the root's own), checked to exist.
    private func deviceOwner(_ userName: String?, _ context: CallContext) throws -> String? {
        guard let userName else { return try Self.callerUserName(nil, context) }
        return try existing(.user, userName, context).name
    }

    /// Changes a device enabled for `owner` (nil: the root) in one transaction; NoSuchEntity when it is not.
    private func changeEnabledDevice(
        _ serialNumber: String, of owner: String?, _ context: CallContext, _ change: @escaping @Sendable (inout MFADeviceRecord) throws -> Void
    ) async throws {
        let accountID = context.accountID
        do {
            try await database.credentials.updateMFADevice(serialNumber) { device in
                guard device.accountID == accountID, Self.isEnabled(device, for: owner) else { throw Self.notEnabled(serialNumber, owner) }
                try change(&device)
            }
        } catch StoreError.notFound {
            throw Self.notEnabled(serialNumber, owner)
        }
    }

    /// Whether a device is enabled for the user (nil: the root); user names compare as IAM compares them.
    static func isEnabled(_ device: MFADeviceRecord, for owner: String?) -> Bool {
        device.enabledAt != nil && device.userName?.lowercased() == owner?.lowercased()
    }

    /// The users that enabled devices are enabled for, by lower-cased name; the root (as GetUser answers for it) under nil.
    private func assignees(of devices: [MFADeviceRecord], _ context: CallContext) async throws -> [String?: IAMAPI.User] {
        let enabled = devices.filter { $0.enabledAt != nil }
        var users: [String?: IAMAPI.User] = [:]
        if enabled.contains(where: { $0.userName != nil }) {
            let all = try await database.iam.principals(.user, accountID: context.accountID, pathPrefix: "/", after: nil, limit: Self.listingLimit)
            for record in all { users[record.name.lowercased()] = Self.user(record, detailed: false) }
        }
        if enabled.contains(where: { $0.userName == nil }) {
            let created = try await database.accounts.account()?.createdAt ?? Date(timeIntervalSince1970: 0)
            users[nil] = IAMAPI.User(
                path: "", userName: "", userId: context.accountID, arn: "arn:aws:iam::\(context.accountID):root", createDate: created)
        }
        return users
    }

    static let deviceAlreadyExists = IAMError.entityAlreadyExists("MFADevice entity at the same path and name already exists.")

    static func noSuchDevice(_ serialNumber: String) -> AWSError {
        IAMError.noSuchEntity("VirtualMFADevice with serial number \(serialNumber) doesn't exist.")
    }

    static func notEnabled(_ serialNumber: String, _ owner: String?) -> AWSError {
        IAMError.noSuchEntity("MFA Device with serial number \(serialNumber) is not enabled for \(owner.map { "user \($0)" } ?? "the root user").")
    }
}
