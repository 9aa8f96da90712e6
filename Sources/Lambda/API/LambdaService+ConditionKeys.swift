import AWSWire

/// The Lambda condition keys a function's configuration in the request determines, as the Service
/// Authorization Reference lists them for `lambda:CreateFunction` and
/// `lambda:UpdateFunctionConfiguration`. `lambda:VpcIds` is not set: the VPC of a subnet is not
/// Bulwark's to know. Function tags (`aws:ResourceTag/${TagKey}`) are the authorizer's.
extension LambdaService {
    /// `lambda:Layer`, `lambda:SubnetIds` and `lambda:SecurityGroupIds` of the configuration given.
    static func configurationKeys(layers: [String]?, vpcConfig: LambdaAPI.VpcConfig?) -> [String: AuthorizationCheck.Value] {
        var keys: [String: AuthorizationCheck.Value] = [:]
        if let layers, !layers.isEmpty { keys["lambda:Layer"] = .multiple(layers) }
        if let subnets = vpcConfig?.subnetIds, !subnets.isEmpty { keys["lambda:SubnetIds"] = .multiple(subnets) }
        if let groups = vpcConfig?.securityGroupIds, !groups.isEmpty { keys["lambda:SecurityGroupIds"] = .multiple(groups) }
        return keys
    }

    /// The keys of `lambda:CreateFunction`: its configuration's, `lambda:CodeSigningConfigArn` and its request tags.
    static func creationKeys(_ input: LambdaAPI.CreateFunctionRequest) -> [String: AuthorizationCheck.Value] {
        var keys = configurationKeys(layers: input.layers, vpcConfig: input.vpcConfig)
        if let config = input.codeSigningConfigArn { keys["lambda:CodeSigningConfigArn"] = .single(config) }
        return keys.merging(AuthorizationCheck.requestTagKeys(input.tags)) { $1 }
    }
}
