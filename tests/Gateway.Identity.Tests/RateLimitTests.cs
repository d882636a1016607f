using System.Net;
using AgentCore.Gateway.Contracts;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests;

[Collection(IdentityServerGroup.Name)]
public sealed class RateLimitTests(IdentityServerFixture fixture)
{
    [Fact]
    public async Task One_client_id_past_its_limit_gets_429_RATE_LIMIT_EXCEEDED_with_Retry_After()
    {
        using var client = fixture.Service.CreateClient();
        const string probe = "rate-limit-probe";
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 40; attempt++)
        {
            using var allowed = await PostFormAsync(client, ApiToken, ("grant_type", "client_credentials"), ("client_id", probe), ("client_secret", "guess-" + attempt));
            statuses.Add(allowed.StatusCode);
        }

        using var limited = await PostFormAsync(client, ApiToken, ("grant_type", "client_credentials"), ("client_id", probe), ("client_secret", "guess-last"));
        using var otherClient = await ServiceTokenAsync(client);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        await EnvelopeErrorAsync(limited, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimitExceeded);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, otherClient.StatusCode);
    }
}
