/// IAM's checks of `Resource`/`NotResource` entries, with its messages.
enum ResourceFormat {
    static let partitions: Set<Substring> = ["aws", "aws-cn", "aws-us-gov", "*"]
    static let iamResourcePrefixes = [
        "user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/", "server-certificate/", "policy/",
        "sms-mfa/", "saml-provider/", "oidc-provider/", "report/", "access-report/",
    ]

    /// The fault IAM reports for `resource`, or nil when it is `*` or shaped like an ARN.
    static func check(_ resource: String) -> MalformedPolicyDocument? {
        if resource == "*" { return nil }
        // In ASCII text a byte is a character: colons are found on the bytes.
        let ascii = resource.utf8.allSatisfy { $0 < 0x80 }
        func colon(in text: Substring) -> String.Index? {
            ascii ? text.utf8.firstIndex(of: UInt8(ascii: ":")) : text.firstIndex(of: ":")
        }
        guard let firstColon = colon(in: resource[...]) else { return .notARN(resource) }
        let afterPrefix = resource[resource.index(after: firstColon)...]
        let partitionEnd = colon(in: afterPrefix)
        let partition = afterPrefix[..<(partitionEnd ?? afterPrefix.endIndex)]
        if !partitions.contains(partition) {
            let rest = partitionEnd.map { afterPrefix[afterPrefix.index(after: $0)...] } ?? ""
            let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
            let service = parts[0].isEmpty && parts.count == 1 ? "*" : String(parts[0])
            let region = parts.count > 1 ? String(parts[1]) : "*"
            let account = parts.count > 2 ? String(parts[2]) : "*"
            let remainder = parts.count > 3 ? parts[3...].joined(separator: ":") : "*"
            return MalformedPolicyDocument(
                "Partition \"\(partition)\" is not valid for resource \"arn:\(partition):\(service):\(region):\(account):\(remainder)\"."
            )
        }
        guard let partitionEnd else { return .resourceVendor }
        let afterPartition = afterPrefix[afterPrefix.index(after: partitionEnd)...]
        let serviceEnd = colon(in: afterPartition)
        let service = afterPartition[..<(serviceEnd ?? afterPartition.endIndex)]
        let afterService = serviceEnd.map { afterPartition[afterPartition.index(after: $0)...] } ?? ""
        let regionGiven = !afterService.isEmpty && afterService.first != ":"
        if service == "iam", regionGiven {
            return MalformedPolicyDocument("IAM resource \(resource) cannot contain region information.")
        }
        // The region, the account and what follows them.
        var pieces: [Substring] = []
        var rest = afterService[...]
        while pieces.count < 2, let end = colon(in: rest) {
            pieces.append(rest[..<end])
            rest = rest[rest.index(after: end)...]
        }
        pieces.append(rest)
        // Buckets and objects (`arn:aws:s3:::bucket/key`) have neither region nor account; S3's
        // account-owned resources (access points, access grants, jobs) have both.
        if service == "s3", regionGiven, pieces.count < 2 || pieces[1].isEmpty {
            return MalformedPolicyDocument("Resource \(resource) can not contain region information.")
        }
        if service == "iam" {
            let path = pieces.count > 2 ? pieces[2] : ""
            // `*` (any IAM resource) and `root` (the account's root user) stand on their own.
            if path != "*", path != "root", !iamResourcePrefixes.contains(where: { path.hasPrefix($0) }) {
                return MalformedPolicyDocument(
                    "IAM resource path must either be \"*\" or start with \(iamResourcePrefixes.joined(separator: ", "))."
                )
            }
        }
        return nil
    }

    /// IAM's older parser: an entry with an empty part (`::`) needs all six parts, and the
    /// service part may not be empty.
    static func passesLegacyParsing(_ resource: String) -> Bool {
        if resource == "*" { return true }
        if resource.utf8.allSatisfy({ $0 < 0x80 }) {
            // The same test on the bytes, where a byte is a character.
            let colon = UInt8(ascii: ":")
            var colons = 0
            var doubled = false
            var previous: UInt8 = 0
            // The length of the third part (between the second colon and the third, or the end).
            var thirdPartLength = 0
            for byte in resource.utf8 {
                if byte == colon {
                    if previous == colon { doubled = true }
                    colons += 1
                } else if colons == 2 {
                    thirdPartLength += 1
                }
                previous = byte
            }
            guard colons >= 5 || !doubled else { return false }
            return colons >= 2 ? thirdPartLength > 0 : true
        }
        let colons = resource.utf8.count(where: { $0 == UInt8(ascii: ":") })
        guard colons >= 5 || !resource.contains("::") else { return false }
        let parts = resource.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 2 ? !parts[2].isEmpty : true
    }
}
