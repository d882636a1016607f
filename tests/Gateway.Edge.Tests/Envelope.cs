using System.Net;
using System.Text.Json;

namespace AgentCore.Gateway.Edge.Tests;

internal static class Envelope
{
    /// <summary>Asserts the status and that the body is the spec's error envelope with <paramref name="code"/>; returns the error.</summary>
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {body}");
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.True(Guid.TryParse(error.GetProperty("request_id").GetString(), out _));
        Assert.True(error.GetProperty("timestamp").TryGetDateTimeOffset(out _));
        Assert.Equal(JsonValueKind.Object, error.GetProperty("details").ValueKind);
        Assert.Equal(error.GetProperty("request_id").GetString(), Assert.Single(response.Headers.GetValues("X-Request-ID")));
        return error;
    }
}
