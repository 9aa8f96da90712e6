import AWSWire
import BulwarkCore
import Foundation
import IAM
import Store
import Testing

@Suite("IAM virtual MFA devices")
struct MFADeviceOperationTests {
    /// A moment well inside a TOTP step, so that "now" and the steps around it are known exactly.
    static let now = Date(timeIntervalSince1970: 1_800_000_015)
    static let step = Int64(60_000_000)
    static let account = IAMServiceHarness.accountID

    /// A device created for the tests, with the authenticator that reads its seed.
    struct Device {
        let serialNumber: String
        let totp: TOTP

        func code(_ step: Int64) -> String { totp.code(forStep: step) }
    }

    static func make() async throws -> IAMServiceHarness {
        let iam = try await IAMServiceHarness.make(clock: .fixed(now))
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(path: "/eng/", userName: "alice"))
        try await iam.call("CreateUser", IAMAPI.CreateUserRequest(userName: "bob"))
        return iam
    }

    static func create(_ iam: IAMServiceHarness, _ name: String, path: String? = nil) async throws -> Device {
        let created = try await iam.call(
            "CreateVirtualMFADevice", IAMAPI.CreateVirtualMFADeviceRequest(path: path, virtualMFADeviceName: name),
            as: IAMAPI.CreateVirtualMFADeviceResponse.self)
        let seedText = String(decoding: try #require(created.virtualMFADevice.base32StringSeed), as: UTF8.self)
        let seed = try #require(Base32.decode(seedText))
        return Device(serialNumber: created.virtualMFADevice.serialNumber, totp: TOTP(secret: seed))
    }

    static func enable(_ iam: IAMServiceHarness, _ device: Device, for user: String, steps: (Int64, Int64) = (step - 1, step)) async throws {
        try await iam.call(
            "EnableMFADevice",
            IAMAPI.EnableMFADeviceRequest(
                userName: user, serialNumber: device.serialNumber, authenticationCode1: device.code(steps.0),
                authenticationCode2: device.code(steps.1)))
    }

    @Test func createAnswersTheSeedAndItsQRCode() async throws {
        let iam = try await Self.make()
        defer { iam.remove() }
        let request = IAMAPI.CreateVirtualMFADeviceRequest(path: "/eng/", virtualMFADeviceName: "phone")
        #expect(try await iam.resources("CreateVirtualMFADevice", request) == ["arn:aws:iam::\(Self.account):mfa/eng/phone"])
        let device = try await iam.call("CreateVirtualMFADevice", request, as: IAMAPI.CreateVirtualMFADeviceResponse.self).virtualMFADevice
        #expect(device.serialNumber == "arn:aws:iam::\(Self.account):mfa/eng/phone")
        // The seed is the Base32 text of 40 random bytes, as AWS's; the QR code is a PNG image.
        let seedText = String(decoding: try #require(device.base32StringSeed), as: UTF8.self)
        #expect(seedText.count == 64 && Base32.decode(seedText)?.count == 40)
        #expect(try #require(device.qrCodePNG).starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(device.user == nil && device.enableDate == nil)

        let stored = try #require(try await iam.database.credentials.mfaDevice(device.serialNumber))
        #expect(stored.seed == Base32.decode(seedText) && stored.userName == nil && stored.enabledAt == nil)
        // Two devices never share a seed.
        let other = try await Self.create(iam, "tablet")
        #expect(other.totp.secret != stored.seed)
    }

    @Test func namesAreUniqueWhateverTheirCase() async throws {
        let iam = try await Self.make()
        defer { iam.remove() }
        _ = try await Self.create(iam, "phone")
        for name in ["phone", "PHONE"] {
            await expectAWSError("EntityAlreadyExists", status: 409, message: "MFADevice entity at the same path and name already exists.") {
                _ = try await Self.create(iam, name)
            }
        }
        // Another path is another device.
        _ = try await Self.create(iam, "phone", path: "/eng/")
    }

    @Test(arguments: [
        IAMAPI.CreateVirtualMFADeviceRequest(virtualMFADeviceName: "my phone"),
        IAMAPI.CreateVirtualMFADeviceRequest(virtualMFADeviceName: ""),
        IAMAPI.CreateVirtualMFADeviceRequest(path: "eng", virtualMFADeviceName: "phone"),
        IAMAPI.CreateVirtualMFADeviceRequest(path: "/eng", virtualMFADeviceName: "phone"),
    ])
    func badNamesAndPathsAreRefused(_ request: IAMAPI.CreateVirtualMFADeviceRequest) async throws {
        let iam = try await Self.make()
        defer { iam.remove() }
        // The model's validator; the query protocol answers it as ValidationError.
        await expectAWSError("ValidationException", status: 400) {
            try await iam.call("CreateVirtualMFADevice", request, as: IAMAPI.CreateVirtualMFADeviceResponse.self)
        }
    }

    @Test func aSerialNumberLongerThanTheAPIAcceptsIsRefused() async throws {
        let iam = try await Self.make()
        defer { iam.remove() }
        await expectAWSError("InvalidInput", status: 400) {
            _ = try await Self.create(iam, String(repeating: "d", count: 200), path: "/\(String(repeating: "p", count: 60))/")
        }
    }

    @Test func enableWithTwoConsecutiveCodes() async throws {
        let iam = try await Self.make()
        defer { iam.remove() }
        let device = try await Self.create(iam, "phone")
        let request = IAMAPI.EnableMFADeviceRequest(
            userName: "alice", serialNumber: device.serialNumber, authenticationCode1: device.code(Self.step - 1),
            authenticationCode2: device.code(Self.step))
        #expect(try await iam.resources("EnableMFADevice", request) == ["arn:aws:iam::\(Self.account):user/eng/alice"])
        try await iam.call("EnableMFADevice", request)

        let listed = try await iam.call("ListMFADevices", IAMAPI.ListMFADevicesRequest(userName: "alice"), as: IAMAPI.ListMFADevicesResponse.self)
        #expect(listed.mfaDevices == [IAMAPI.MFADevice(userName: "alice", serialNumber: device.serialNumber, enableDate: Self.now)])
        #expect(listed.isTruncated == false)
        let bobs = try await iam.call("ListMFADevices", IAMAPI.ListMFADevicesRequest(userName: "bob"), as: IAMAPI.ListMFADevicesResponse.self)
        #expect(bobs.mfaDevices.isEmpty)
        // The codes given are used up.
        #expect(try await iam.database.credentials.mfaDevice(device.serialNumber)?.lastUsedStep == Self.step)
    }

    @Test(arguments: [(-2, 0), (0, -1), (0, 0), (-41, -40), (40, 41)] as [(Int64, Int64)])
    func codesThatAreNotConsecutiveAndRecentAreRefused(_ first: Int64, _ second: Int64) async throws {
        let iam = try await Self.make()
        defer { iam.remove() }
        let device = try await Self.create(iam, "phone")
        await expectAWSError("InvalidAuthenticationCode", status: 403, message: "Authentication code for device is not valid.") {
            try await Self.enable(iam, device, for: "alice", steps: (Self.step + first, Self.step + second))
        }
        #expect(try await iam.database.credentials.mfaDevice(device.serialNumber)?.enabledAt == nil)
    }

    @Test func codesOfSomeMinutesAgoStillEnable() async throws {
        let iam = try await Self.make()
        defer { iam.remove() }
        let device = try await Self.create(iam, "phone")
        try await Self.enable(iam, device, for: "alice", steps: (Self.step - 6, Self.step - 5))
        #expect(try await iam.database.credentials.mfaDevice(device.serialNumber)?.userName == "alice")
    }

    @Test func codesAcceptedByEnableCannotBeReplayedToSTS() async throws {
        let iam = try await Self.make()
        defer { iam.remove() }
        let device = try await Self.create(iam, "phone")
        try await Self.enable(iam, device, for: "bob")
        let sts = STSService(database: iam.database, authorizationMessages: .withNewKey(), clock: .fixed(Self.now))
        let bob = try await iam.asUser("bob")
        let request = { (code: String) in STSAPI.GetSessionTokenRequest(serialNumber: device.serialNumber, tokenCode: code) }
        for code in [device.code(Self.step), device.code(Self.step - 1)] {
            await expectAWSError("AccessDenied", status: 403) {
                _ = try await Self.call(sts, "GetSessionToken", request(code), as: STSAPI.GetSessionTokenResponse.self, context: bob)
            }
        }
        let session = try await Self.call(
            sts, "GetSessionToken", request(device.code(Self.step + 1)), as: STSAPI.GetSessionTokenResponse.self, context: bob)
        let accessKeyID = try #require(session.credentials?.accessKeyId)
        #expect(accessKeyID.hasPrefix("ASIA"))
        let stored = try #require(try await iam.database.credentials.session(accessKeyID))
        #expect(stored.mfaAuthenticatedAt == Self.now)
    }

    @Test func enableNeedsAKnownUserAndAFreeDevice() async throws {
        let iam = try await Self.make()
        defer { iam.remove() }
        let device = try await Self.create(iam, "phone")
        await expectAWSError("NoSuchEntity", status: 404, message: "The user with name carol cannot be found.") {
            try await Self.enable(iam, device, for: "carol")
        }
        let unknown = Device(serialNumber: "arn:aws:iam::\(Self.account):mfa/nothing", totp: device.totp)
        await expectAWSError("NoSuchEntity", status: 404, message: "VirtualMFADevice with serial number \(unknown.serialNumber) doesn't exist.") {
            try await Self.enable(iam, unknown, for: "alice")
        }
        let elsewhere = Device(serialNumber: "arn:aws:iam::444455556666:mfa/phone", totp: device.totp)
        await expectAWSError("NoSuchEntity", status: 404) { try await Self.enable(iam, elsewhere, for: "alice") }

        try await Self.enable(iam, device, for: "alice")
        for user in ["alice", "bob"] {
            await expectAWSError("EntityAlreadyExists", status: 409, message: "MFA Device is already in use.") {
                try await Self.enable(iam, device, for: user, steps: (Self.step, Self.step + 1))
            }
        }
    }

    @Test func aUserHoldsAtMostEightDevices() async throws {
        let iam = try await Self.make()
        defer { iam.remove() }
        for index in 0..<8 {
            try await Self.enable(iam, try await Self.create(iam, "device-\(index)"), for: "bob")
        }
        let ninth = try await Self.create(iam, "device-8")
        await expectAWSError("LimitExceeded", status: 409, message: "Cannot exceed quota for MFADevicesPerUser: 8") {
            try await Self.enable(iam, ninth, for: "bob")
        }
        let listed = try await iam.call(
            "ListMFADevices", IAMAPI.ListMFADevicesRequest(userName: "bob", maxItems: 5), as: IAMAPI.ListMFADevicesResponse.self)
        #expect(listed.mfaDevices.count == 5 && listed.isTruncated == true)
        let rest = try await iam.call(
            "ListMFADevices", IAMAPI.ListMFADevicesRequest(userName: "bob", marker: listed.marker), as: IAMAPI.ListMFADevicesResponse.self)
        #expect(rest.mfaDevices.map(\.serialNumber) == (5..<8).map { "arn:aws:iam::\(Self.account):mfa/device-\($0)" })
    }

    @Test func resyncNeedsTwoNewConsecutiveCodes() async throws {
        let iam = try await Self.make()
        defer { iam.remove() }
        let device = try await Self.create(iam, "phone")
        try await Self.enable(iam, device, for: "alice")
        let resync = { (steps: (Int64, Int64), user: String) in
            IAMAPI.ResyncMFADeviceRequest(
                userName: user, serialNumber: device.serialNumber, authenticationCode1: device.code(steps.0),
                authenticationCode2: device.code(steps.1))
        }
        #expect(
            try await iam.resources("ResyncMFADevice", resync((Self.step + 1, Self.step + 2), "alice")) == [
                "arn:aws:iam::\(Self.account):user/eng/alice"
            ])
        for steps in [(Self.step - 1, Self.step), (Self.step + 1, Self.step + 3)] {
            await expectAWSError("InvalidAuthenticationCode", status: 403, message: "Authentication code for device is not valid.") {
                try await iam.call("ResyncMFADevice", resync(steps, "alice"))
            }
        }
        try await iam.call("ResyncMFADevice", resync((Self.step + 2, Self.step + 3), "alice"))
        #expect(try await iam.database.credentials.mfaDevice(device.serialNumber)?.lastUsedStep == Self.step + 3)
        await expectAWSError("InvalidAuthenticationCode", status: 403) {
            try await iam.call("ResyncMFADevice", resync((Self.step + 2, Self.step + 3), "alice"))
        }
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call("ResyncMFADevice", resync((Self.step + 4, Self.step + 5), "bob"))
        }
    }

    @Test func deactivateThenDelete() async throws {
        let iam = try await Self.make()
        defer { iam.remove() }
        let device = try await Self.create(iam, "phone")
        try await Self.enable(iam, device, for: "alice")
        let delete = IAMAPI.DeleteVirtualMFADeviceRequest(serialNumber: device.serialNumber)
        #expect(try await iam.resources("DeleteVirtualMFADevice", delete) == [device.serialNumber])
        await expectAWSError("DeleteConflict", status: 409, message: "MFA VirtualDevice in use. Must deactivate first.") {
            try await iam.call("DeleteVirtualMFADevice", delete)
        }
        await expectAWSError("DeleteConflict", status: 409, message: "Cannot delete entity, must delete MFA device first.") {
            try await iam.call("DeleteUser", IAMAPI.DeleteUserRequest(userName: "alice"))
        }
        await expectAWSError("NoSuchEntity", status: 404) {
            try await iam.call("DeactivateMFADevice", IAMAPI.DeactivateMFADeviceRequest(userName: "bob", serialNumber: device.serialNumber))
        }

        // Alice deactivates her own device without naming herself.
        let alice = try await iam.asUser("alice")
        let deactivate = IAMAPI.DeactivateMFADeviceRequest(serialNumber: device.serialNumber)
        #expect(try await iam.resources("DeactivateMFADevice", deactivate, context: alice) == ["arn:aws:iam::\(Self.account):user/eng/alice"])
        try await iam.call("DeactivateMFADevice", deactivate, context: alice)
        await expectAWSError("NoSuchEntity", status: 404) { try await iam.call("DeactivateMFADevice", deactivate, context: alice) }

        // Enabled again, the codes already used stay refused.
        await expectAWSError("InvalidAuthenticationCode", status: 403) { try await Self.enable(iam, device, for: "bob") }
        try await iam.call("DeleteVirtualMFADevice", delete)
        await expectAWSError("NoSuchEntity", status: 404, message: "VirtualMFADevice with serial number \(device.serialNumber) doesn't exist.") {
            try await iam.call("DeleteVirtualMFADevice", delete)
        }
        try await iam.call("DeleteUser", IAMAPI.DeleteUserRequest(userName: "alice"))
    }

    @Test func listVirtualDevicesByAssignment() async throws {
        let iam = try await Self.make()
        defer { iam.remove() }
        let phone = try await Self.create(iam, "phone")
        let tablet = try await Self.create(iam, "tablet")
        let watch = try await Self.create(iam, "watch", path: "/eng/")
        try await Self.enable(iam, tablet, for: "alice")
        #expect(try await iam.resources("ListVirtualMFADevices", IAMAPI.ListVirtualMFADevicesRequest()) == ["*"])

        func list(_ status: String?, marker: String? = nil, maxItems: Int? = nil) async throws -> IAMAPI.ListVirtualMFADevicesResponse {
            try await iam.call(
                "ListVirtualMFADevices", IAMAPI.ListVirtualMFADevicesRequest(assignmentStatus: status, marker: marker, maxItems: maxItems),
                as: IAMAPI.ListVirtualMFADevicesResponse.self)
        }
        let all = [phone, tablet, watch].map(\.serialNumber).sorted()
        #expect(try await list(nil).virtualMFADevices.map(\.serialNumber) == all)
        #expect(try await list("Any").virtualMFADevices.map(\.serialNumber) == all)
        #expect(try await list("Unassigned").virtualMFADevices.map(\.serialNumber) == [phone, watch].map(\.serialNumber).sorted())
        let assigned = try await list("Assigned").virtualMFADevices
        #expect(assigned.map(\.serialNumber) == [tablet.serialNumber])
        #expect(assigned.first?.user?.arn == "arn:aws:iam::\(Self.account):user/eng/alice" && assigned.first?.enableDate == Self.now)
        // Lists never show a seed or a QR code.
        #expect(try await list(nil).virtualMFADevices.allSatisfy { $0.base32StringSeed == nil && $0.qrCodePNG == nil && $0.tags == nil })

        let first = try await list(nil, maxItems: 2)
        #expect(first.virtualMFADevices.count == 2 && first.isTruncated == true)
        let second = try await list(nil, marker: first.marker)
        #expect((first.virtualMFADevices + second.virtualMFADevices).map(\.serialNumber) == all && second.isTruncated == false)
        await expectAWSError("ValidationException", status: 400) { _ = try await list("Maybe") }
    }

    @Test func withoutUserNameTheCallerListsItsOwnDevices() async throws {
        let iam = try await Self.make()
        defer { iam.remove() }
        let device = try await Self.create(iam, "phone")
        try await Self.enable(iam, device, for: "alice")
        let alice = try await iam.asUser("alice")
        let own = try await iam.call("ListMFADevices", IAMAPI.ListMFADevicesRequest(), as: IAMAPI.ListMFADevicesResponse.self, context: alice)
        #expect(own.mfaDevices.map(\.serialNumber) == [device.serialNumber])
        #expect(try await iam.resources("ListMFADevices", IAMAPI.ListMFADevicesRequest(), context: alice) == [alice.principal.arn])
        // The root has no device of its own here.
        let root = try await iam.call("ListMFADevices", IAMAPI.ListMFADevicesRequest(), as: IAMAPI.ListMFADevicesResponse.self)
        #expect(root.mfaDevices.isEmpty)
        await expectAWSError("NoSuchEntity", status: 404, message: "The user with name carol cannot be found.") {
            try await iam.call("ListMFADevices", IAMAPI.ListMFADevicesRequest(userName: "carol"), as: IAMAPI.ListMFADevicesResponse.self)
        }
        let session = IAMServiceHarness.context(
            Principal(kind: .assumedRole, accountID: Self.account, arn: "arn:aws:sts::\(Self.account):assumed-role/r/s", principalID: "AROA:s"))
        await expectAWSError("ValidationError", status: 400, message: "Must specify userName when calling with non-User credentials") {
            try await iam.call("ListMFADevices", IAMAPI.ListMFADevicesRequest(), as: IAMAPI.ListMFADevicesResponse.self, context: session)
        }
    }

    @Test func renamingAUserKeepsItsDevice() async throws {
        let iam = try await Self.make()
        defer { iam.remove() }
        let device = try await Self.create(iam, "phone")
        try await Self.enable(iam, device, for: "alice")
        try await iam.call("UpdateUser", IAMAPI.UpdateUserRequest(userName: "alice", newUserName: "alicia"))
        let listed = try await iam.call("ListMFADevices", IAMAPI.ListMFADevicesRequest(userName: "alicia"), as: IAMAPI.ListMFADevicesResponse.self)
        #expect(listed.mfaDevices.map(\.userName) == ["alicia"])
    }

    @Test func tagsOfADevice() async throws {
        let iam = try await Self.make()
        defer { iam.remove() }
        let device = try await Self.create(iam, "phone")
        let serial = device.serialNumber
        func tags() async throws -> [IAMAPI.Tag] {
            try await iam.call("ListMFADeviceTags", IAMAPI.ListMFADeviceTagsRequest(serialNumber: serial), as: IAMAPI.ListMFADeviceTagsResponse.self)
                .tags
        }
        let tag = IAMAPI.TagMFADeviceRequest(
            serialNumber: serial, tags: [IAMAPI.Tag(key: "team", value: "ops"), IAMAPI.Tag(key: "floor", value: "2")])
        #expect(try await iam.resources("TagMFADevice", tag) == [serial])
        try await iam.call("TagMFADevice", tag)
        try await iam.call("TagMFADevice", IAMAPI.TagMFADeviceRequest(serialNumber: serial, tags: [IAMAPI.Tag(key: "TEAM", value: "dev")]))
        #expect(try await tags() == [IAMAPI.Tag(key: "TEAM", value: "dev"), IAMAPI.Tag(key: "floor", value: "2")])
        try await iam.call("UntagMFADevice", IAMAPI.UntagMFADeviceRequest(serialNumber: serial, tagKeys: ["team"]))
        #expect(try await tags() == [IAMAPI.Tag(key: "floor", value: "2")])

        await expectAWSError("InvalidInput", status: 400) {
            try await iam.call(
                "TagMFADevice",
                IAMAPI.TagMFADeviceRequest(serialNumber: serial, tags: [IAMAPI.Tag(key: "a", value: "1"), IAMAPI.Tag(key: "A", value: "2")]))
        }
        let many = (0..<50).map { IAMAPI.Tag(key: "key\($0)", value: "") }
        await expectAWSError("LimitExceeded", status: 409) {
            try await iam.call("TagMFADevice", IAMAPI.TagMFADeviceRequest(serialNumber: serial, tags: many))
        }
        let unknown = "arn:aws:iam::\(Self.account):mfa/none"
        await expectAWSError("NoSuchEntity", status: 404, message: "VirtualMFADevice with serial number \(unknown) doesn't exist.") {
            try await iam.call("ListMFADeviceTags", IAMAPI.ListMFADeviceTagsRequest(serialNumber: unknown), as: IAMAPI.ListMFADeviceTagsResponse.self)
        }
        // Tagging leaves the device as it was.
        try await Self.enable(iam, device, for: "alice")
        try await iam.call("TagMFADevice", IAMAPI.TagMFADeviceRequest(serialNumber: serial, tags: [IAMAPI.Tag(key: "x", value: "y")]))
        let stored = try #require(try await iam.database.credentials.mfaDevice(serial))
        #expect(stored.userName == "alice" && stored.lastUsedStep == Self.step && stored.tags.count == 2)
    }

    /// Calls an STS operation the way the pipeline does.
    static func call<Output: Decodable>(
        _ sts: STSService, _ name: String, _ input: some Encodable, as output: Output.Type, context: CallContext
    ) async throws -> Output {
        let operation = try #require(sts.operations.first { $0.name == name })
        let prepared = try operation.prepare(ShapeCoding.encode(input), context: context)
        return try ShapeCoding.decode(Output.self, from: try await prepared.execute(context))
    }
}
