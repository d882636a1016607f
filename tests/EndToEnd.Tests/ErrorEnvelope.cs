using System.Text.Json;

namespace AgentCore.Gateway.EndToEnd.Tests;

/// <summary>Reads the gateway's error envelope.</summary>
internal static class ErrorEnvelope
{
    /// <summary>The envelope's <c>error</c> object.</summary>
    public static async Task<JsonElement> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
}
