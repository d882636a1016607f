using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCore.Gateway.ServiceDefaults.OpenApi;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;

namespace AgentCore.Gateway.Edge.OpenApi;

/// <summary>
/// Fetches each service's own API document at start and every <see cref="PublicApiOptions.RefreshInterval"/>, from a
/// destination of the YARP cluster of the same name (so through the same service discovery the proxy uses). A service
/// that does not answer keeps the copy held before.
/// </summary>
internal sealed partial class ServiceApiDocumentRefresher(
    ServiceApiDocuments documents,
    IProxyStateLookup proxyState,
    IHttpClientFactory httpClients,
    IOptions<PublicApiOptions> options,
    TimeProvider time,
    ILogger<ServiceApiDocumentRefresher> logger) : BackgroundService
{
    public const string HttpClientName = "public-api-documents";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        do
        {
            foreach (var cluster in documents.Clusters.ToList())
            {
                await RefreshAsync(cluster, stoppingToken);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RefreshAsync(string cluster, CancellationToken stoppingToken)
    {
        if (!proxyState.TryGetCluster(cluster, out var state)
            || state.DestinationsState.AllDestinations is not [var destination, ..])
        {
            LogNoDestination(logger, cluster);
            return;
        }

        var address = destination.Model.Config.Address;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(options.Value.FetchTimeout);
        try
        {
            using var client = httpClients.CreateClient(HttpClientName);
            var document = await client.GetFromJsonAsync<JsonObject>(new Uri(new Uri(address), PublicApiExtensions.DocumentPath), timeout.Token);
            if (document?["paths"] is not JsonObject)
            {
                LogNotADocument(logger, cluster);
                return;
            }

            if (documents.Update(cluster, document))
            {
                LogUpdated(logger, cluster);
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or OperationCanceledException && !stoppingToken.IsCancellationRequested)
        {
            LogFetchFailed(logger, cluster, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No destination of cluster {Cluster} to fetch its API document from; the copy held stays")]
    private static partial void LogNoDestination(ILogger logger, string cluster);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster {Cluster} answered something that is not an OpenAPI document; the copy held stays")]
    private static partial void LogNotADocument(ILogger logger, string cluster);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching the API document of cluster {Cluster} failed ({Reason}); the copy held stays")]
    private static partial void LogFetchFailed(ILogger logger, string cluster, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The API document of cluster {Cluster} changed; the public document follows")]
    private static partial void LogUpdated(ILogger logger, string cluster);
}
