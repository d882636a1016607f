using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentCore.Gateway.TestSupport.OpenApi;

/// <summary>
/// Holds the snapshot of a service's public API document (<c>Gateway.Edge/OpenApi/Services/{cluster}.json</c>, which
/// the Edge serves until it has fetched the service's own, and from which <see cref="PublicApiContract"/> composes the
/// contract) equal to what the service serves now, and the snapshot of the Edge's own document
/// (<c>Gateway.Edge/OpenApi/edge.json</c>) equal to what the Edge generates. Set <c>OPENAPI_SNAPSHOTS=write</c> to write
/// it afresh after changing the endpoints, and commit the file.
/// </summary>
public static class PublicApiSnapshot
{
    public const string DocumentPath = "/openapi/public.json";
    public const string EdgeFile = "edge.json";
    private const string WriteVariable = "OPENAPI_SNAPSHOTS";

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task AssertCurrentAsync(HttpClient service, string cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var served = await service.GetFromJsonAsync<JsonObject>(DocumentPath, cancellationToken)
            ?? throw new InvalidOperationException($"The service answered no document at {DocumentPath}.");
        await AssertSnapshotAsync(served, Path.Combine("Services", cluster + ".json"), $"what the service serves at {DocumentPath}", cancellationToken);
    }

    /// <summary>Holds the snapshot of the Edge's own document equal to <paramref name="generated"/>.</summary>
    public static Task AssertEdgeCurrentAsync(JsonObject generated, CancellationToken cancellationToken) =>
        AssertSnapshotAsync(generated, EdgeFile, "the document the Edge generates from its own endpoints", cancellationToken);

    private static async Task AssertSnapshotAsync(JsonObject served, string relativePath, string what, CancellationToken cancellationToken)
    {
        var file = Path.Combine(RepositoryRoot(), "Gateway.Edge", "OpenApi", relativePath);
        if (Environment.GetEnvironmentVariable(WriteVariable) == "write")
        {
            await File.WriteAllTextAsync(file, served.ToJsonString(Indented) + "\n", cancellationToken);
            return;
        }

        var snapshot = File.Exists(file) ? JsonNode.Parse(await File.ReadAllTextAsync(file, cancellationToken)) : null;
        if (!JsonNode.DeepEquals(snapshot, served))
        {
            throw new PublicApiContractException(
                $"{file} is not {what}; run this test with {WriteVariable}=write and commit the file.");
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentCore.Gateway.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No AgentCore.Gateway.sln above {AppContext.BaseDirectory}.");
    }
}
