using System.Security.Claims;
using System.Text.Json;
using AgentCore.Gateway.Audit.Redaction;
using AgentCore.Gateway.Audit.Storage;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentCore.Gateway.Audit.Query;

/// <summary>
/// <c>GET /api/v1/audit/events</c>: newest first, keyset-paged. A token with a <c>tenant_id</c> claim (a tenant admin)
/// only ever sees its own tenant; a token without one (a platform admin) sees every tenant and may filter by one.
/// The subject filter takes the subject in clear and matches its pseudonym, so the clear value is never stored.
/// </summary>
internal static partial class AuditEventsEndpoint
{
    public const string Route = "/api/v1/audit/events";

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    public static async Task<Results<JsonHttpResult<AuditEventPage>, ErrorResult>> HandleAsync(
        HttpContext context,
        AuditDbContext database,
        AuditEventRedactor redactor,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var (query, error) = AuditEventQuery.Parse(context.Request.Query);
        if (query is null)
        {
            return ErrorResponses.Result(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, error!);
        }

        var callerTenant = context.User.FindFirstValue(GatewayClaims.TenantId);
        if (callerTenant is not null)
        {
            if (query.TenantId is not null && query.TenantId != callerTenant)
            {
                return ErrorResponses.Result(StatusCodes.Status403Forbidden, ErrorCodes.AuthorizationDenied, "A tenant administrator can read only the audit trail of their own tenant.");
            }

            query = query with { TenantId = callerTenant };
        }

        try
        {
            var page = await Filter(database.Events.AsNoTracking(), query, redactor)
                .OrderByDescending(record => record.Timestamp)
                .ThenByDescending(record => record.Id)
                .Take(query.Limit + 1)
                .ToListAsync(cancellationToken);
            var hasMore = page.Count > query.Limit;
            var events = page.Take(query.Limit).Select(ToResponse).ToList();
            var last = hasMore ? page[query.Limit - 1] : null;
            return TypedResults.Json(
                new AuditEventPage(events, last is null ? null : new AuditCursor(last.Timestamp, last.Id).Encode()),
                SerializerOptions);
        }
        catch (Npgsql.NpgsqlException exception) when (!DatabaseErrors.IsCausedByContent(exception))
        {
            LogDatabaseUnavailable(loggers.CreateLogger(typeof(AuditEventsEndpoint)), exception);
            return ErrorResponses.Result(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable, "The audit store is unavailable; retry shortly.");
        }
    }

    private static IQueryable<AuditRecord> Filter(IQueryable<AuditRecord> records, AuditEventQuery query, AuditEventRedactor redactor)
    {
        if (query.TenantId is not null)
        {
            records = records.Where(record => record.TenantId == query.TenantId);
        }

        if (query.Type is not null)
        {
            records = records.Where(record => record.Type == query.Type);
        }

        if (query.ClientId is not null)
        {
            records = records.Where(record => record.ClientId == query.ClientId);
        }

        if (redactor.Pseudonymize(query.Subject) is { } subject)
        {
            records = records.Where(record => record.Subject == subject);
        }

        if (query.Outcome is not null)
        {
            records = records.Where(record => record.Outcome == query.Outcome);
        }

        if (query.From is { } from)
        {
            records = records.Where(record => record.Timestamp >= from);
        }

        if (query.To is { } to)
        {
            records = records.Where(record => record.Timestamp < to);
        }

        if (query.After is { } after)
        {
            records = records.Where(record => EF.Functions.LessThan(
                ValueTuple.Create(record.Timestamp, record.Id),
                ValueTuple.Create(after.Timestamp, after.Id)));
        }

        return records;
    }

    private static AuditEventResponse ToResponse(AuditRecord record) => new(
        record.Id,
        record.Timestamp,
        record.Type,
        new AuditActorResponse(record.ClientId, record.Subject, record.TenantId),
        record.SourceAddress,
        record.RequestId,
        record.Route,
        record.Outcome,
        record.Reason,
        record.Details is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(record.Details, SerializerOptions));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit query failed: the database is unavailable")]
    private static partial void LogDatabaseUnavailable(ILogger logger, Exception exception);
}
