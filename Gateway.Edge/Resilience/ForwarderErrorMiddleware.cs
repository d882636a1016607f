using System.Globalization;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace AgentCore.Gateway.Edge.Resilience;

/// <summary>
/// Runs inside the proxy pipeline: when YARP could not forward a request it leaves a status and no body; this
/// writes the error envelope for it, with <c>Retry-After</c> when no backend is available (none is healthy, or the
/// chosen one refused the connection, as a stopped or killed backend does), and counts the failure.
/// </summary>
internal sealed class ForwarderErrorMiddleware(RequestDelegate next, IOptions<ResilienceOptions> options, EdgeProxyMetrics metrics)
{
    private readonly string retryAfter = ((int)options.Value.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.GetForwarderErrorFeature() is not { } failure)
        {
            return;
        }

        var cluster = context.Features.Get<IReverseProxyFeature>()?.Cluster.Config.ClusterId;
        metrics.RecordError(cluster, failure.Error);
        var timedOut = context.Features.Get<IHttpRequestTimeoutFeature>()?.RequestTimeoutToken.IsCancellationRequested == true;
        if (context.Response.HasStarted || (failure.Error == ForwarderError.RequestCanceled && !timedOut))
        {
            return;
        }

        // The route's timeout cancels the request the way a departing client would; YARP cannot tell them apart.
        var (status, code, message) = timedOut
            ? (StatusCodes.Status504GatewayTimeout, ErrorCodes.GatewayTimeout, "The upstream service did not answer in time.")
            : Describe(failure);
        if (timedOut)
        {
            // The request's token is the expired timeout's; the small envelope must still be written.
            context.RequestAborted = CancellationToken.None;
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        await ErrorResponses.WriteAsync(context, status, code, message);
    }

    private static (int Status, string Code, string Message) Describe(IForwarderErrorFeature failure) => failure.Error switch
    {
        ForwarderError.NoAvailableDestinations =>
            (StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable, "The service is temporarily unavailable. Retry later."),
        ForwarderError.Request when failure.Exception is HttpRequestException refused && ConnectRetryHandler.IsConnectFailure(refused) =>
            (StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable, "The service is temporarily unavailable. Retry later."),
        ForwarderError.RequestTimedOut =>
            (StatusCodes.Status504GatewayTimeout, ErrorCodes.GatewayTimeout, "The upstream service did not answer in time."),
        ForwarderError.RequestBodyClient when failure.Exception is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, "The request body is larger than allowed."),
        ForwarderError.RequestBodyClient =>
            (StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "The request body could not be read."),
        _ => (StatusCodes.Status502BadGateway, ErrorCodes.BadGateway, "The upstream service could not be reached or answered badly."),
    };
}
