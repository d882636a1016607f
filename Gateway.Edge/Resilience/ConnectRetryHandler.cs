using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Edge.Resilience;

/// <summary>
/// Retries a proxied request only when it is idempotent, carries no body, and the failure happened while
/// connecting, so the backend cannot have seen it. Anything else goes straight back to YARP's error handling.
/// </summary>
internal sealed class ConnectRetryHandler(IOptions<ResilienceOptions> options, TimeProvider time, EdgeProxyMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var attempts = IsRetriable(request) ? settings.ConnectRetries : 0;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException exception) when (attempt < attempts && IsConnectFailure(exception) && !cancellationToken.IsCancellationRequested)
            {
                metrics.RecordRetry(request.Method.Method);
                await Task.Delay(settings.ConnectRetryDelay, time, cancellationToken);
            }
        }
    }

    private static bool IsRetriable(HttpRequestMessage request) =>
        request.Content is null or { Headers.ContentLength: 0 }
        && (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options
            || request.Method == HttpMethod.Put || request.Method == HttpMethod.Delete);

    /// <summary>The connection to the backend could not be made: nothing of the request reached it.</summary>
    internal static bool IsConnectFailure(HttpRequestException exception) =>
        exception.HttpRequestError == HttpRequestError.ConnectionError || exception.InnerException is SocketException;
}
