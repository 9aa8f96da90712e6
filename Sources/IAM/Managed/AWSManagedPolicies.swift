/// The AWS managed policies Bulwark knows, with their current documents as the AWS Managed Policy
/// Reference publishes them (docs.aws.amazon.com/aws-managed-policy/latest/reference/).
public enum AWSManagedPolicies {
    /// The account name AWS managed policy ARNs carry.
    public static let owner = "aws"

    public static let all: [AWSManagedPolicy] = [
        administratorAccess, readOnlyAccess, iamFullAccess, iamReadOnlyAccess, lambdaFullAccess, lambdaReadOnlyAccess,
        lambdaBasicExecutionRole, lambdaRole, lambdaVPCAccessExecutionRole,
    ]

    /// The policy with this ARN, if it is one of ``all``.
    public static func policy(arn: String) -> AWSManagedPolicy? {
        all.first { $0.arn == arn }
    }

    static let administratorAccess = AWSManagedPolicy(
        name: "AdministratorAccess", description: "Provides full access to AWS services and resources.", versionID: "v1",
        created: "2015-02-06T18:39:46Z", updated: "2015-02-06T18:39:46Z",
        document: """
            {
              "Version" : "2012-10-17",
              "Statement" : [
                {
                  "Effect" : "Allow",
                  "Action" : "*",
                  "Resource" : "*"
                }
              ]
            }
            """
    )

    /// Abridged: AWS's ReadOnlyAccess lists the read actions of every AWS service (hundreds of
    /// entries); this keeps those of the services Bulwark implements, which is what it grants here.
    /// Its version id is therefore Bulwark's own.
    static let readOnlyAccess = AWSManagedPolicy(
        name: "ReadOnlyAccess", description: "Provides read-only access to AWS services and resources.", versionID: "v1",
        created: "2015-02-06T18:39:48Z", updated: "2015-02-06T18:39:48Z",
        document: """
            {
              "Version" : "2012-10-17",
              "Statement" : [
                {
                  "Effect" : "Allow",
                  "Action" : [
                    "apigateway:GET",
                    "cloudtrail:Describe*",
                    "cloudtrail:Get*",
                    "cloudtrail:List*",
                    "cloudtrail:LookupEvents",
                    "cloudwatch:Describe*",
                    "cloudwatch:Get*",
                    "cloudwatch:List*",
                    "config:BatchGet*",
                    "config:Describe*",
                    "config:Get*",
                    "config:List*",
                    "config:SelectResourceConfig",
                    "events:Describe*",
                    "events:List*",
                    "events:Test*",
                    "iam:Generate*",
                    "iam:Get*",
                    "iam:List*",
                    "iam:Simulate*",
                    "kms:Describe*",
                    "kms:Get*",
                    "kms:List*",
                    "lambda:Get*",
                    "lambda:List*",
                    "logs:Describe*",
                    "logs:FilterLogEvents",
                    "logs:Get*",
                    "logs:ListTagsLogGroup",
                    "logs:StartQuery",
                    "logs:StopQuery",
                    "logs:TestMetricFilter",
                    "secretsmanager:Describe*",
                    "secretsmanager:GetResourcePolicy",
                    "secretsmanager:List*",
                    "signer:Describe*",
                    "signer:Get*",
                    "signer:List*"
                  ],
                  "Resource" : "*"
                }
              ]
            }
            """
    )

    static let iamFullAccess = AWSManagedPolicy(
        name: "IAMFullAccess", description: "Provides full access to IAM via the AWS Management Console.", versionID: "v2",
        created: "2015-02-06T18:40:38Z", updated: "2019-06-21T19:40:00Z",
        document: """
            {
              "Version" : "2012-10-17",
              "Statement" : [
                {
                  "Effect" : "Allow",
                  "Action" : [
                    "iam:*",
                    "organizations:DescribeAccount",
                    "organizations:DescribeOrganization",
                    "organizations:DescribeOrganizationalUnit",
                    "organizations:DescribePolicy",
                    "organizations:ListChildren",
                    "organizations:ListParents",
                    "organizations:ListPoliciesForTarget",
                    "organizations:ListRoots",
                    "organizations:ListPolicies",
                    "organizations:ListTargetsForPolicy"
                  ],
                  "Resource" : "*"
                }
              ]
            }
            """
    )

    static let iamReadOnlyAccess = AWSManagedPolicy(
        name: "IAMReadOnlyAccess", description: "Provides read only access to IAM via the AWS Management Console.", versionID: "v4",
        created: "2015-02-06T18:40:39Z", updated: "2018-01-25T19:11:00Z",
        document: """
            {
              "Version" : "2012-10-17",
              "Statement" : [
                {
                  "Effect" : "Allow",
                  "Action" : [
                    "iam:GenerateCredentialReport",
                    "iam:GenerateServiceLastAccessedDetails",
                    "iam:Get*",
                    "iam:List*",
                    "iam:SimulateCustomPolicy",
                    "iam:SimulatePrincipalPolicy"
                  ],
                  "Resource" : "*"
                }
              ]
            }
            """
    )

    static let lambdaFullAccess = AWSManagedPolicy(
        name: "AWSLambda_FullAccess",
        description: "Grants full access to AWS Lambda service, AWS Lambda console features, and other related AWS services.",
        versionID: "v2", created: "2020-11-17T21:14:00Z", updated: "2025-03-17T21:37:00Z",
        document: """
            {
              "Version" : "2012-10-17",
              "Statement" : [
                {
                  "Effect" : "Allow",
                  "Action" : [
                    "cloudformation:DescribeStacks",
                    "cloudformation:ListStackResources",
                    "cloudwatch:ListMetrics",
                    "cloudwatch:GetMetricData",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeVpcs",
                    "kms:ListAliases",
                    "iam:GetPolicy",
                    "iam:GetPolicyVersion",
                    "iam:GetRole",
                    "iam:GetRolePolicy",
                    "iam:ListAttachedRolePolicies",
                    "iam:ListRolePolicies",
                    "iam:ListRoles",
                    "lambda:*",
                    "logs:DescribeLogGroups",
                    "states:DescribeStateMachine",
                    "states:ListStateMachines",
                    "tag:GetResources",
                    "xray:GetTraceSummaries",
                    "xray:BatchGetTraces"
                  ],
                  "Resource" : "*"
                },
                {
                  "Effect" : "Allow",
                  "Action" : "iam:PassRole",
                  "Resource" : "*",
                  "Condition" : {
                    "StringEquals" : {
                      "iam:PassedToService" : "lambda.amazonaws.com"
                    }
                  }
                },
                {
                  "Effect" : "Allow",
                  "Action" : [
                    "logs:DescribeLogStreams",
                    "logs:GetLogEvents",
                    "logs:FilterLogEvents",
                    "logs:StartLiveTail",
                    "logs:StopLiveTail"
                  ],
                  "Resource" : "arn:aws:logs:*:*:log-group:/aws/lambda/*"
                }
              ]
            }
            """
    )

    static let lambdaReadOnlyAccess = AWSManagedPolicy(
        name: "AWSLambda_ReadOnlyAccess",
        description: "Grants read-only access to AWS Lambda service, AWS Lambda console features, and other related AWS services.",
        versionID: "v3", created: "2020-11-17T21:10:00Z", updated: "2025-03-17T21:07:00Z",
        document: """
            {
              "Version" : "2012-10-17",
              "Statement" : [
                {
                  "Effect" : "Allow",
                  "Action" : [
                    "cloudformation:DescribeStacks",
                    "cloudformation:ListStacks",
                    "cloudformation:ListStackResources",
                    "cloudwatch:GetMetricData",
                    "cloudwatch:ListMetrics",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeVpcs",
                    "kms:ListAliases",
                    "iam:GetPolicy",
                    "iam:GetPolicyVersion",
                    "iam:GetRole",
                    "iam:GetRolePolicy",
                    "iam:ListAttachedRolePolicies",
                    "iam:ListRolePolicies",
                    "iam:ListRoles",
                    "logs:DescribeLogGroups",
                    "lambda:Get*",
                    "lambda:List*",
                    "states:DescribeStateMachine",
                    "states:ListStateMachines",
                    "tag:GetResources",
                    "xray:GetTraceSummaries",
                    "xray:BatchGetTraces"
                  ],
                  "Resource" : "*"
                },
                {
                  "Effect" : "Allow",
                  "Action" : [
                    "logs:DescribeLogStreams",
                    "logs:GetLogEvents",
                    "logs:FilterLogEvents",
                    "logs:StartQuery",
                    "logs:StopQuery",
                    "logs:DescribeQueries",
                    "logs:GetLogGroupFields",
                    "logs:GetLogRecord",
                    "logs:GetQueryResults",
                    "logs:StartLiveTail",
                    "logs:StopLiveTail"
                  ],
                  "Resource" : "arn:aws:logs:*:*:log-group:/aws/lambda/*"
                }
              ]
            }
            """
    )

    static let lambdaBasicExecutionRole = AWSManagedPolicy(
        name: "AWSLambdaBasicExecutionRole", path: "/service-role/", description: "Provides write permissions to CloudWatch Logs.",
        versionID: "v1", created: "2015-04-09T15:03:43Z", updated: "2015-04-09T15:03:43Z",
        document: """
            {
              "Version" : "2012-10-17",
              "Statement" : [
                {
                  "Effect" : "Allow",
                  "Action" : [
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents"
                  ],
                  "Resource" : "*"
                }
              ]
            }
            """
    )

    static let lambdaRole = AWSManagedPolicy(
        name: "AWSLambdaRole", path: "/service-role/", description: "Default policy for AWS Lambda service role.", versionID: "v1",
        created: "2015-02-06T18:41:28Z", updated: "2015-02-06T18:41:28Z",
        document: """
            {
              "Version" : "2012-10-17",
              "Statement" : [
                {
                  "Effect" : "Allow",
                  "Action" : [
                    "lambda:InvokeFunction"
                  ],
                  "Resource" : [
                    "*"
                  ]
                }
              ]
            }
            """
    )

    static let lambdaVPCAccessExecutionRole = AWSManagedPolicy(
        name: "AWSLambdaVPCAccessExecutionRole", path: "/service-role/",
        description:
            "Provides minimum permissions for a Lambda function to execute while accessing a resource within a VPC - create, describe, delete network interfaces and write permissions to CloudWatch Logs.",
        versionID: "v3", created: "2016-02-11T23:15:26Z", updated: "2024-01-05T22:38:00Z",
        document: """
            {
              "Version" : "2012-10-17",
              "Statement" : [
                {
                  "Sid" : "AWSLambdaVPCAccessExecutionPermissions",
                  "Effect" : "Allow",
                  "Action" : [
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "ec2:CreateNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSubnets",
                    "ec2:DeleteNetworkInterface",
                    "ec2:AssignPrivateIpAddresses",
                    "ec2:UnassignPrivateIpAddresses"
                  ],
                  "Resource" : "*"
                }
              ]
            }
            """
    )
}
