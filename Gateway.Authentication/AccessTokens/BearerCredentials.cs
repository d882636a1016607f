using Microsoft.AspNetCore.Http;

namespace AgentCore.Gateway.Authentication.AccessTokens;

/// <summary>
/// The bearer credentials a request carries: every <c>Authorization: Bearer …</c> value (one with a comma counts as
/// two, as it joins two headers) and, where the caller allows it, every <c>access_token</c> query value (RFC 6750
/// section 2.3). The token is read from the very value that was counted, and only when there is exactly one.
/// </summary>
/// <param name="Count">How many bearer credentials there are; more than one is a refusal.</param>
/// <param name="Token">The token when <paramref name="Count"/> is 1; otherwise null.</param>
/// <param name="FromQuery">True when that one token came from the query.</param>
public readonly record struct BearerCredentials(int Count, string? Token, bool FromQuery)
{
    /// <summary>The query parameter that may carry the token where headers cannot be set (WebSocket, EventSource).</summary>
    public const string QueryParameter = "access_token";

    private const string Prefix = "Bearer ";

    public static BearerCredentials Read(HttpRequest request, bool acceptQuery)
    {
        var count = 0;
        string? token = null;
        var fromQuery = false;
        foreach (var value in request.Headers.Authorization)
        {
            if (value is null || !value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (value.Contains(',', StringComparison.Ordinal))
            {
                count += 2;
                continue;
            }

            count++;
            token = value[Prefix.Length..].Trim();
        }

        if (acceptQuery && request.Query.TryGetValue(QueryParameter, out var values))
        {
            foreach (var value in values)
            {
                count++;
                token = value ?? string.Empty;
                fromQuery = true;
            }
        }

        return count == 1 ? new BearerCredentials(1, token, fromQuery) : new BearerCredentials(count, null, FromQuery: false);
    }
}
