using System.Net;
using System.Text.Json;

namespace AgentCore.Gateway.Security.Tests;

/// <summary>What every answer to hostile input must be: no 5xx, and a refusal the client can read.</summary>
internal static class Answers
{
    /// <summary>
    /// The answer is not a server error, and a refusal carries the error envelope, or, on the OAuth endpoints under
    /// <c>/connect/</c>, the standard OAuth error those endpoints promise: a JSON error object, or OpenIddict's
    /// <c>error:</c> lines where an authorization request cannot be sent back to a client.
    /// </summary>
    public static async Task AssertHandledAsync(HttpResponseMessage response, string sent)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var status = (int)response.StatusCode;
        Assert.True(status < 500, $"{status} for {sent}: {body}");
        if (status < 400)
        {
            return;
        }

        var isOAuthEndpoint = response.RequestMessage?.RequestUri?.AbsolutePath.StartsWith("/connect/", StringComparison.Ordinal) == true;
        if (isOAuthEndpoint && body.StartsWith("error:", StringComparison.Ordinal))
        {
            return;
        }

        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            Assert.Fail($"{status} without a JSON error for {sent}: {body}");
            return;
        }

        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            Assert.False(string.IsNullOrEmpty(error.GetProperty("code").GetString()), $"no code for {sent}: {body}");
            Assert.False(string.IsNullOrEmpty(error.GetProperty("request_id").GetString()), $"no request_id for {sent}: {body}");
            return;
        }

        Assert.True(isOAuthEndpoint && root.TryGetProperty("error", out var oauth) && oauth.ValueKind == JsonValueKind.String, $"{status} without the envelope for {sent}: {body}");
    }

    /// <summary>The answer is a refusal (4xx) that <see cref="AssertHandledAsync"/> accepts.</summary>
    public static async Task AssertRefusedAsync(HttpResponseMessage response, string sent)
    {
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode} for {sent}");
        await AssertHandledAsync(response, sent);
    }

    public static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;
}
