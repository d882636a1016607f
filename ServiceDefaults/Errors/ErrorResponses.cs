using System.Text.Json;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCore.Gateway.ServiceDefaults.Errors;

/// <summary>Writes the spec's error envelope. Every error a gateway service produces itself goes through here.</summary>
public static class ErrorResponses
{
    private static readonly IReadOnlyDictionary<string, object?> NoDetails = new Dictionary<string, object?>();
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Builds the envelope for the current request, stamped with its correlation id and the current time.</summary>
    public static ErrorEnvelope Create(HttpContext context, string code, string message, IReadOnlyDictionary<string, object?>? details = null)
    {
        var time = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        return new ErrorEnvelope(new ErrorBody(code, message, details ?? NoDetails, context.TraceIdentifier, time.GetUtcNow()));
    }

    /// <summary>Writes the envelope with <paramref name="statusCode"/>, unless the response has already started.</summary>
    public static Task WriteAsync(
        HttpContext context,
        int statusCode,
        string code,
        string message,
        IReadOnlyDictionary<string, object?>? details = null)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.StatusCode = statusCode;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(
            Create(context, code, message, details),
            SerializerOptions,
            contentType: "application/json; charset=utf-8",
            cancellationToken: context.RequestAborted);
    }

    /// <summary>An <see cref="IResult"/> for minimal APIs that renders the envelope.</summary>
    public static IResult Result(int statusCode, string code, string message, IReadOnlyDictionary<string, object?>? details = null) =>
        new EnvelopeResult(statusCode, code, message, details);

    private sealed class EnvelopeResult(int statusCode, string code, string message, IReadOnlyDictionary<string, object?>? details) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => statusCode;

        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, statusCode, code, message, details);
    }
}
