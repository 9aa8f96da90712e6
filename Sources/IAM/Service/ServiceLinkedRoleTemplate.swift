/// The service-linked roles IAM creates, by service principal: the role's name, whether the service
/// accepts a `CustomSuffix`, and the AWS managed policy (`/aws-service-role/`) attached to it.
///
/// Sources and what is absent: docs/decisions/0008-service-linked-roles-ssh-keys-and-signing-certificates.md.
struct ServiceLinkedRoleTemplate: Sendable, Equatable {
    /// `ecs.amazonaws.com`.
    let servicePrincipal: String
    /// `AWSServiceRoleForECS`.
    let roleName: String
    let allowsCustomSuffix: Bool
    /// The name of the AWS managed policy under `/aws-service-role/`.
    let policyName: String

    /// `arn:aws:iam::aws:policy/aws-service-role/<policy>`.
    var policyARN: String { "arn:aws:iam::aws:policy/aws-service-role/\(policyName)" }

    /// `/aws-service-role/<service principal>/`.
    var path: String { "/aws-service-role/\(servicePrincipal)/" }

    /// The role's name with `_<suffix>` when one is given.
    func roleName(suffix: String?) -> String {
        suffix.map { "\(roleName)_\($0)" } ?? roleName
    }

    /// The template of a service principal (case-sensitive, as IAM compares them).
    static func of(_ servicePrincipal: String) -> ServiceLinkedRoleTemplate? {
        byPrincipal[servicePrincipal]
    }

    static let byPrincipal: [String: ServiceLinkedRoleTemplate] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.servicePrincipal, $0) })

    static let all: [ServiceLinkedRoleTemplate] = [
        .init(
            servicePrincipal: "access-analyzer.amazonaws.com", roleName: "AWSServiceRoleForAccessAnalyzer", allowsCustomSuffix: false,
            policyName: "AccessAnalyzerServiceRolePolicy"),
        .init(
            servicePrincipal: "accountdiscovery.ssm.amazonaws.com", roleName: "AWSServiceRoleForAmazonSSM_AccountDiscovery",
            allowsCustomSuffix: false, policyName: "AWSSystemsManagerAccountDiscoveryServicePolicy"),
        .init(
            servicePrincipal: "acm.amazonaws.com", roleName: "AWSServiceRoleForCertificateManager", allowsCustomSuffix: false,
            policyName: "CertificateManagerServiceRolePolicy"),
        .init(
            servicePrincipal: "appmesh.amazonaws.com", roleName: "AWSServiceRoleForAppMesh", allowsCustomSuffix: false,
            policyName: "AWSAppMeshServiceRolePolicy"),
        .init(
            servicePrincipal: "apprunner.amazonaws.com", roleName: "AWSServiceRoleForAppRunner", allowsCustomSuffix: false,
            policyName: "AppRunnerServiceRolePolicy"),
        .init(
            servicePrincipal: "autoscaling-plans.amazonaws.com", roleName: "AWSServiceRoleForAutoScalingPlans_EC2AutoScaling",
            allowsCustomSuffix: false, policyName: "AWSAutoScalingPlansEC2AutoScalingPolicy"),
        .init(
            servicePrincipal: "autoscaling.amazonaws.com", roleName: "AWSServiceRoleForAutoScaling", allowsCustomSuffix: true,
            policyName: "AutoScalingServiceRolePolicy"),
        .init(
            servicePrincipal: "backup.amazonaws.com", roleName: "AWSServiceRoleForBackup", allowsCustomSuffix: false,
            policyName: "AWSBackupServiceLinkedRolePolicyForBackup"),
        .init(
            servicePrincipal: "batch.amazonaws.com", roleName: "AWSServiceRoleForBatch", allowsCustomSuffix: false,
            policyName: "BatchServiceRolePolicy"),
        .init(
            servicePrincipal: "cassandra.application-autoscaling.amazonaws.com", roleName: "AWSServiceRoleForApplicationAutoScaling_CassandraTable",
            allowsCustomSuffix: false, policyName: "AWSApplicationAutoscalingCassandraTablePolicy"),
        .init(
            servicePrincipal: "cks.kms.amazonaws.com", roleName: "AWSServiceRoleForKeyManagementServiceCustomKeyStores", allowsCustomSuffix: false,
            policyName: "AWSKeyManagementServiceCustomKeyStoresServiceRolePolicy"),
        .init(
            servicePrincipal: "cloudtrail.amazonaws.com", roleName: "AWSServiceRoleForCloudTrail", allowsCustomSuffix: false,
            policyName: "CloudTrailServiceRolePolicy"),
        .init(
            servicePrincipal: "codestar-notifications.amazonaws.com", roleName: "AWSServiceRoleForCodeStarNotifications", allowsCustomSuffix: false,
            policyName: "AWSCodeStarNotificationsServiceRolePolicy"),
        .init(
            servicePrincipal: "compute-optimizer.amazonaws.com", roleName: "AWSServiceRoleForComputeOptimizer", allowsCustomSuffix: false,
            policyName: "ComputeOptimizerServiceRolePolicy"),
        .init(
            servicePrincipal: "config.amazonaws.com", roleName: "AWSServiceRoleForConfig", allowsCustomSuffix: false,
            policyName: "AWSConfigServiceRolePolicy"),
        .init(
            servicePrincipal: "connect.amazonaws.com", roleName: "AWSServiceRoleForAmazonConnect", allowsCustomSuffix: true,
            policyName: "AmazonConnectServiceLinkedRolePolicy"),
        .init(
            servicePrincipal: "dms-fleet-advisor.amazonaws.com", roleName: "AWSServiceRoleForDMSFleetAdvisor", allowsCustomSuffix: false,
            policyName: "AWSDMSFleetAdvisorServiceRolePolicy"),
        .init(
            servicePrincipal: "dms.amazonaws.com", roleName: "AWSServiceRoleForDMSServerless", allowsCustomSuffix: false,
            policyName: "AWSDMSServerlessServiceRolePolicy"),
        .init(
            servicePrincipal: "docdb-elastic.amazonaws.com", roleName: "AWSServiceRoleForDocDB-Elastic", allowsCustomSuffix: false,
            policyName: "AmazonDocDB-ElasticServiceRolePolicy"),
        .init(
            servicePrincipal: "dynamodb.application-autoscaling.amazonaws.com", roleName: "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
            allowsCustomSuffix: false, policyName: "AWSApplicationAutoscalingDynamoDBTablePolicy"),
        .init(
            servicePrincipal: "ec2-instance-connect.amazonaws.com", roleName: "AWSServiceRoleForEc2InstanceConnect", allowsCustomSuffix: false,
            policyName: "Ec2InstanceConnectEndpoint"),
        .init(
            servicePrincipal: "ec2.application-autoscaling.amazonaws.com", roleName: "AWSServiceRoleForApplicationAutoScaling_EC2SpotFleetRequest",
            allowsCustomSuffix: false, policyName: "AWSApplicationAutoscalingEC2SpotFleetRequestPolicy"),
        .init(
            servicePrincipal: "ecr.amazonaws.com", roleName: "AWSServiceRoleForECRTemplate", allowsCustomSuffix: false,
            policyName: "ECRTemplateServiceRolePolicy"),
        .init(
            servicePrincipal: "ecs.amazonaws.com", roleName: "AWSServiceRoleForECS", allowsCustomSuffix: false,
            policyName: "AmazonECSServiceRolePolicy"),
        .init(
            servicePrincipal: "ecs.application-autoscaling.amazonaws.com", roleName: "AWSServiceRoleForApplicationAutoScaling_ECSService",
            allowsCustomSuffix: false, policyName: "AWSApplicationAutoscalingECSServicePolicy"),
        .init(
            servicePrincipal: "eks-connector.amazonaws.com", roleName: "AWSServiceRoleForAmazonEKSConnector", allowsCustomSuffix: false,
            policyName: "AmazonEKSConnectorServiceRolePolicy"),
        .init(
            servicePrincipal: "eks-fargate.amazonaws.com", roleName: "AWSServiceRoleForAmazonEKSForFargate", allowsCustomSuffix: false,
            policyName: "AmazonEKSForFargateServiceRolePolicy"),
        .init(
            servicePrincipal: "eks-nodegroup.amazonaws.com", roleName: "AWSServiceRoleForAmazonEKSNodegroup", allowsCustomSuffix: false,
            policyName: "AWSServiceRoleForAmazonEKSNodegroup"),
        .init(
            servicePrincipal: "eks.amazonaws.com", roleName: "AWSServiceRoleForAmazonEKS", allowsCustomSuffix: false,
            policyName: "AmazonEKSServiceRolePolicy"),
        .init(
            servicePrincipal: "elasticache.amazonaws.com", roleName: "AWSServiceRoleForElastiCache", allowsCustomSuffix: false,
            policyName: "ElastiCacheServiceRolePolicy"),
        .init(
            servicePrincipal: "elasticbeanstalk.amazonaws.com", roleName: "AWSServiceRoleForElasticBeanstalk", allowsCustomSuffix: false,
            policyName: "AWSElasticBeanstalkServiceRolePolicy"),
        .init(
            servicePrincipal: "elasticfilesystem.amazonaws.com", roleName: "AWSServiceRoleForAmazonElasticFileSystem", allowsCustomSuffix: false,
            policyName: "AmazonElasticFileSystemServiceRolePolicy"),
        .init(
            servicePrincipal: "elasticloadbalancing.amazonaws.com", roleName: "AWSServiceRoleForElasticLoadBalancing", allowsCustomSuffix: false,
            policyName: "AWSElasticLoadBalancingServiceRolePolicy"),
        .init(
            servicePrincipal: "elasticmapreduce.amazonaws.com", roleName: "AWSServiceRoleForEMRCleanup", allowsCustomSuffix: false,
            policyName: "AmazonEMRCleanupPolicy"),
        .init(
            servicePrincipal: "email.cognito-idp.amazonaws.com", roleName: "AWSServiceRoleForAmazonCognitoIdpEmailService", allowsCustomSuffix: false,
            policyName: "AmazonCognitoIdpEmailServiceRolePolicy"),
        .init(
            servicePrincipal: "emr-containers.amazonaws.com", roleName: "AWSServiceRoleForAmazonEMRContainers", allowsCustomSuffix: false,
            policyName: "AmazonEMRContainersServiceRolePolicy"),
        .init(
            servicePrincipal: "es.amazonaws.com", roleName: "AWSServiceRoleForAmazonElasticsearchService", allowsCustomSuffix: false,
            policyName: "AmazonElasticsearchServiceRolePolicy"),
        .init(
            servicePrincipal: "events.amazonaws.com", roleName: "AWSServiceRoleForCloudWatchEvents", allowsCustomSuffix: false,
            policyName: "CloudWatchEventsServiceRolePolicy"),
        .init(
            servicePrincipal: "fis.amazonaws.com", roleName: "AWSServiceRoleForFIS", allowsCustomSuffix: false,
            policyName: "AmazonFISServiceRolePolicy"),
        .init(
            servicePrincipal: "fsx.amazonaws.com", roleName: "AWSServiceRoleForAmazonFSx", allowsCustomSuffix: false,
            policyName: "AmazonFSxServiceRolePolicy"),
        .init(
            servicePrincipal: "globalaccelerator.amazonaws.com", roleName: "AWSServiceRoleForGlobalAccelerator", allowsCustomSuffix: false,
            policyName: "AWSGlobalAcceleratorSLRPolicy"),
        .init(
            servicePrincipal: "grafana.amazonaws.com", roleName: "AWSServiceRoleForAmazonGrafana", allowsCustomSuffix: false,
            policyName: "AmazonGrafanaServiceLinkedRolePolicy"),
        .init(
            servicePrincipal: "guardduty.amazonaws.com", roleName: "AWSServiceRoleForAmazonGuardDuty", allowsCustomSuffix: false,
            policyName: "AmazonGuardDutyServiceRolePolicy"),
        .init(
            servicePrincipal: "imagebuilder.amazonaws.com", roleName: "AWSServiceRoleForImageBuilder", allowsCustomSuffix: false,
            policyName: "AWSServiceRoleForImageBuilder"),
        .init(
            servicePrincipal: "inspector2.amazonaws.com", roleName: "AWSServiceRoleForAmazonInspector2", allowsCustomSuffix: false,
            policyName: "AmazonInspector2ServiceRolePolicy"),
        .init(
            servicePrincipal: "kafka.amazonaws.com", roleName: "AWSServiceRoleForKafka", allowsCustomSuffix: false,
            policyName: "KafkaServiceRolePolicy"),
        .init(
            servicePrincipal: "kafkaconnect.amazonaws.com", roleName: "AWSServiceRoleForKafkaConnect", allowsCustomSuffix: false,
            policyName: "KafkaConnectServiceRolePolicy"),
        .init(
            servicePrincipal: "lakeformation.amazonaws.com", roleName: "AWSServiceRoleForLakeFormationDataAccess", allowsCustomSuffix: false,
            policyName: "LakeFormationDataAccessServiceRolePolicy"),
        .init(
            servicePrincipal: "lambda.application-autoscaling.amazonaws.com", roleName: "AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency",
            allowsCustomSuffix: false, policyName: "AWSApplicationAutoscalingLambdaConcurrencyPolicy"),
        .init(
            servicePrincipal: "lexv2.amazonaws.com", roleName: "AWSServiceRoleForLexV2Bots", allowsCustomSuffix: true,
            policyName: "AmazonLexV2BotPolicy"),
        .init(
            servicePrincipal: "lightsail.amazonaws.com", roleName: "AWSServiceRoleForLightsail", allowsCustomSuffix: false,
            policyName: "LightsailExportAccess"),
        .init(
            servicePrincipal: "macie.amazonaws.com", roleName: "AWSServiceRoleForAmazonMacie", allowsCustomSuffix: false,
            policyName: "AmazonMacieServiceRolePolicy"),
        .init(
            servicePrincipal: "memorydb.amazonaws.com", roleName: "AWSServiceRoleForMemoryDB", allowsCustomSuffix: false,
            policyName: "MemoryDBServiceRolePolicy"),
        .init(
            servicePrincipal: "mq.amazonaws.com", roleName: "AWSServiceRoleForAmazonMQ", allowsCustomSuffix: false,
            policyName: "AmazonMQServiceRolePolicy"),
        .init(
            servicePrincipal: "mrk.kms.amazonaws.com", roleName: "AWSServiceRoleForKeyManagementServiceMultiRegionKeys", allowsCustomSuffix: false,
            policyName: "AWSKeyManagementServiceMultiRegionKeysServiceRolePolicy"),
        .init(
            servicePrincipal: "observability.aoss.amazonaws.com", roleName: "AWSServiceRoleForAmazonOpenSearchServerless", allowsCustomSuffix: false,
            policyName: "AmazonOpenSearchServerlessServiceRolePolicy"),
        .init(
            servicePrincipal: "opensearchservice.amazonaws.com", roleName: "AWSServiceRoleForAmazonOpenSearchService", allowsCustomSuffix: false,
            policyName: "AmazonOpenSearchServiceRolePolicy"),
        .init(
            servicePrincipal: "ops.apigateway.amazonaws.com", roleName: "AWSServiceRoleForAPIGateway", allowsCustomSuffix: false,
            policyName: "APIGatewayServiceRolePolicy"),
        .init(
            servicePrincipal: "organizations.amazonaws.com", roleName: "AWSServiceRoleForOrganizations", allowsCustomSuffix: false,
            policyName: "AWSOrganizationsServiceTrustPolicy"),
        .init(
            servicePrincipal: "rds.amazonaws.com", roleName: "AWSServiceRoleForRDS", allowsCustomSuffix: false,
            policyName: "AmazonRDSServiceRolePolicy"),
        .init(
            servicePrincipal: "rds.application-autoscaling.amazonaws.com", roleName: "AWSServiceRoleForApplicationAutoScaling_RDSCluster",
            allowsCustomSuffix: false, policyName: "AWSApplicationAutoscalingRDSClusterPolicy"),
        .init(
            servicePrincipal: "redshift.amazonaws.com", roleName: "AWSServiceRoleForRedshift", allowsCustomSuffix: false,
            policyName: "AmazonRedshiftServiceLinkedRolePolicy"),
        .init(
            servicePrincipal: "replicator.lambda.amazonaws.com", roleName: "AWSServiceRoleForLambdaReplicator", allowsCustomSuffix: false,
            policyName: "AWSLambdaReplicator"),
        .init(
            servicePrincipal: "resource-explorer-2.amazonaws.com", roleName: "AWSServiceRoleForResourceExplorer", allowsCustomSuffix: false,
            policyName: "AWSResourceExplorerServiceRolePolicy"),
        .init(
            servicePrincipal: "securityhub.amazonaws.com", roleName: "AWSServiceRoleForSecurityHub", allowsCustomSuffix: false,
            policyName: "AWSSecurityHubServiceRolePolicy"),
        .init(
            servicePrincipal: "ses.amazonaws.com", roleName: "AWSServiceRoleForAmazonSES", allowsCustomSuffix: false,
            policyName: "AmazonSESServiceRolePolicy"),
        .init(
            servicePrincipal: "shield.amazonaws.com", roleName: "AWSServiceRoleForAWSShield", allowsCustomSuffix: false,
            policyName: "AWSShieldServiceRolePolicy"),
        .init(
            servicePrincipal: "spot.amazonaws.com", roleName: "AWSServiceRoleForEC2Spot", allowsCustomSuffix: false,
            policyName: "AWSEC2SpotServiceRolePolicy"),
        .init(
            servicePrincipal: "spotfleet.amazonaws.com", roleName: "AWSServiceRoleForEC2SpotFleet", allowsCustomSuffix: false,
            policyName: "AWSEC2SpotFleetServiceRolePolicy"),
        .init(
            servicePrincipal: "ssm.amazonaws.com", roleName: "AWSServiceRoleForAmazonSSM", allowsCustomSuffix: false,
            policyName: "AmazonSSMServiceRolePolicy"),
        .init(
            servicePrincipal: "sso.amazonaws.com", roleName: "AWSServiceRoleForSSO", allowsCustomSuffix: false, policyName: "AWSSSOServiceRolePolicy"),
        .init(
            servicePrincipal: "support.amazonaws.com", roleName: "AWSServiceRoleForSupport", allowsCustomSuffix: false,
            policyName: "AWSSupportServiceRolePolicy"),
        .init(
            servicePrincipal: "transitgateway.amazonaws.com", roleName: "AWSServiceRoleForVPCTransitGateway", allowsCustomSuffix: false,
            policyName: "AWSVPCTransitGatewayServiceRolePolicy"),
        .init(
            servicePrincipal: "trustedadvisor.amazonaws.com", roleName: "AWSServiceRoleForTrustedAdvisor", allowsCustomSuffix: false,
            policyName: "AWSTrustedAdvisorServiceRolePolicy"),
        .init(
            servicePrincipal: "waf.amazonaws.com", roleName: "AWSServiceRoleForWAFLogging", allowsCustomSuffix: false,
            policyName: "WAFLoggingServiceRolePolicy"),
        .init(
            servicePrincipal: "wafv2.amazonaws.com", roleName: "AWSServiceRoleForWAFV2Logging", allowsCustomSuffix: false,
            policyName: "WAFV2LoggingServiceRolePolicy"),
    ]
}
