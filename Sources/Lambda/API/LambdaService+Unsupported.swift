extension LambdaService {
    /// Refuses every setting of a Lambda feature Bulwark does not provide yet, instead of ignoring it.
    static func refuseUnsupported(_ input: LambdaAPI.CreateFunctionRequest) throws {
        if let type = input.packageType, type != "Zip" { throw LambdaError.unsupported("container image functions (PackageType \(type))") }
        if input.publishTo != nil { throw LambdaError.unsupported("publishing to capacity providers (PublishTo)") }
        if input.code.sourceKMSKeyArn != nil { throw LambdaError.unsupported("customer managed keys for code (SourceKMSKeyArn)") }
        if input.tenancyConfig != nil { throw LambdaError.unsupported("tenant isolation (TenancyConfig)") }
        try refuseUnsupportedSettings(
            vpcConfig: input.vpcConfig, deadLetterConfig: input.deadLetterConfig,
            tracingMode: input.tracingConfig?.mode, fileSystemConfigs: input.fileSystemConfigs,
            imageConfig: input.imageConfig, snapStart: input.snapStart, capacityProvider: input.capacityProviderConfig,
            durableConfig: input.durableConfig
        )
    }

    static func refuseUnsupported(_ input: LambdaAPI.UpdateFunctionConfigurationRequest) throws {
        try refuseUnsupportedSettings(
            vpcConfig: input.vpcConfig, deadLetterConfig: input.deadLetterConfig,
            tracingMode: input.tracingConfig?.mode, fileSystemConfigs: input.fileSystemConfigs,
            imageConfig: input.imageConfig, snapStart: input.snapStart, capacityProvider: input.capacityProviderConfig,
            durableConfig: input.durableConfig
        )
    }

    // An empty value ("no VPC", "no file system") is what every function has, so it is accepted.
    private static func refuseUnsupportedSettings(
        vpcConfig: LambdaAPI.VpcConfig?,
        deadLetterConfig: LambdaAPI.DeadLetterConfig?,
        tracingMode: String?,
        fileSystemConfigs: [LambdaAPI.FileSystemConfig]?,
        imageConfig: LambdaAPI.ImageConfig?,
        snapStart: LambdaAPI.SnapStart?,
        capacityProvider: LambdaAPI.CapacityProviderConfig?,
        durableConfig: LambdaAPI.DurableConfig?
    ) throws {
        if let vpcConfig, !(vpcConfig.subnetIds ?? []).isEmpty || !(vpcConfig.securityGroupIds ?? []).isEmpty {
            throw LambdaError.unsupported("VPC configuration (VpcConfig)")
        }
        if let target = deadLetterConfig?.targetArn, !target.isEmpty { throw LambdaError.unsupported("dead-letter queues (DeadLetterConfig)") }
        if tracingMode == "Active" { throw LambdaError.unsupported("active X-Ray tracing (TracingConfig Mode Active)") }
        if let fileSystemConfigs, !fileSystemConfigs.isEmpty { throw LambdaError.unsupported("file systems (FileSystemConfigs)") }
        if imageConfig != nil { throw LambdaError.unsupported("container image configuration (ImageConfig)") }
        if let applyOn = snapStart?.applyOn, applyOn != "None" { throw LambdaError.unsupported("SnapStart") }
        if capacityProvider != nil { throw LambdaError.unsupported("capacity providers (CapacityProviderConfig)") }
        if durableConfig != nil { throw LambdaError.unsupported("durable functions (DurableConfig)") }
    }
}
