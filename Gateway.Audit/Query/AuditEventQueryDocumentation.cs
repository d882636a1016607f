using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AgentCore.Gateway.Audit.Query;

/// <summary>
/// The query parameters of <c>GET /api/v1/audit/events</c> in the public API document. <see cref="AuditEventQuery.Parse"/>
/// reads them by hand so that every wrong one is answered with the error envelope; the contract tests hold the two together.
/// </summary>
internal static class AuditEventQueryDocumentation
{
    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Parameters ??= [];
        foreach (var parameter in Parameters())
        {
            operation.Parameters.Add(parameter);
        }

        return Task.CompletedTask;
    }

    private static IEnumerable<OpenApiParameter> Parameters()
    {
        yield return Query("from", "Events at or after this time (ISO 8601 with offset).", Text("date-time"));
        yield return Query("to", "Events before this time (exclusive); must not be before from.", Text("date-time"));
        yield return Query("type", "Event type, such as auth.token_issued.", Filter());
        yield return Query("tenant_id", "Tenant; a tenant administrator naming another tenant gets 403.", Filter());
        yield return Query("client_id", "OAuth client id of the actor.", Filter());
        yield return Query("subject", "The actor's subject in clear; matched against its stored pseudonym.", Filter());
        yield return Query("outcome", "success, failure or denied.", Filter());
        yield return Query("limit", "Page size.", new OpenApiSchema
        {
            Type = JsonSchemaType.Integer,
            Minimum = "1",
            Maximum = AuditEventQuery.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Default = AuditEventQuery.DefaultLimit,
        });
        yield return Query("cursor", "next_cursor of the previous page (opaque).", Text());
    }

    private static OpenApiParameter Query(string name, string description, OpenApiSchema schema) =>
        new() { Name = name, In = ParameterLocation.Query, Description = description, Schema = schema };

    private static OpenApiSchema Filter() => new() { Type = JsonSchemaType.String, MaxLength = AuditEventQuery.MaxFilterLength };

    private static OpenApiSchema Text(string? format = null) => new() { Type = JsonSchemaType.String, Format = format };
}
