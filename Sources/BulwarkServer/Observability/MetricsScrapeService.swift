import AWSWire
import BulwarkCore
import Foundation

/// Bulwark's own endpoint for its operator: `GET /metrics` in Prometheus's text format, answered
/// through the pipeline like every call, and audited.
///
/// A request signed with SigV4 for the service `bulwark` is authorized as `bulwark:GetMetrics` on
/// `*` by the caller's policies (the account root and `"Action": "*"` allow it). A request without a
/// signature must carry the operator's scrape token, or come where the operator opened scraping
/// (``MetricsScrapeAccess``); otherwise it is refused as an unsigned AWS call is.
struct MetricsScrapeService: AWSService {
    let access: MetricsScrapeAccess
    let metrics: ServerMetrics
    /// Reads what the exposition shows of the environments and the queue.
    let state: @Sendable () async throws -> ServerMetrics.ScrapedState

    var model: ServiceModel { .bulwark }

    var operations: [ServiceOperation] {
        [
            ServiceOperation(
                "GetMetrics", action: "bulwark:GetMetrics", readOnly: true,
                responseContentType: "text/plain; version=0.0.4; charset=utf-8",
                access: .byPolicyOrOwnProof, input: GetMetricsRequest.self, references: { _, _ in [] }, handler: getMetrics
            )
        ]
    }

    @Sendable func getMetrics(_ input: GetMetricsRequest, _ context: CallContext) async throws -> GetMetricsResponse {
        if context.principal.kind == .unauthenticated {
            guard access.admits(authorization: input.authorization, sourceIP: context.sourceIP) else {
                if input.authorization == nil {
                    throw AWSError(code: "MissingAuthenticationTokenException", message: "Missing Authentication Token", status: 403)
                }
                throw AWSError(
                    code: "AccessDeniedException",
                    message: "The request carries neither a valid AWS signature nor the operator's scrape token.", status: 403)
            }
        }
        return GetMetricsResponse(exposition: Data(metrics.exposition(try await state())))
    }

    struct GetMetricsRequest: Codable, Sendable {
        var authorization: String?

        enum CodingKeys: String, CodingKey {
            case authorization = "Authorization"
        }
    }

    struct GetMetricsResponse: Codable, Sendable {
        var exposition: Data

        enum CodingKeys: String, CodingKey {
            case exposition = "Exposition"
        }
    }
}

extension ServiceModel {
    /// Bulwark's own API, outside AWS's: one operation, `GET /metrics`, signed (when signed) for the
    /// service `bulwark`.
    static let bulwark = ServiceModel(
        name: "bulwark",
        serviceID: "Bulwark",
        apiVersion: "2026-12-08",
        wireProtocol: .restJSON,
        signingName: "bulwark",
        endpointPrefix: "bulwark",
        operations: [
            OperationModel(name: "GetMetrics", httpMethod: "GET", requestURI: "/metrics", input: "GetMetricsRequest", output: "GetMetricsResponse")
        ],
        shapes: [
            Shape(
                name: "GetMetricsRequest", kind: .structure,
                members: [Shape.Member(name: "Authorization", shape: "Credential", location: .header, locationName: "Authorization")]),
            Shape(name: "Credential", kind: .string, sensitive: true),
            Shape(
                name: "GetMetricsResponse", kind: .structure, members: [Shape.Member(name: "Exposition", shape: "Exposition")], payload: "Exposition"),
            Shape(name: "Exposition", kind: .blob),
        ]
    )
}
