using System.Net;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests;

/// <summary>A client secret verified once is remembered for a while; what is remembered must never let a wrong one in.</summary>
[Collection(IdentityServerGroup.Name)]
public sealed class ClientSecretTests(IdentityServerFixture fixture)
{
    [Fact]
    public async Task After_a_secret_was_accepted_a_wrong_one_is_still_refused_and_a_replaced_one_stops_working_at_once()
    {
        var service = await fixture.CreateService(new Dictionary<string, string?> { ["Identity:TokenEndpoint:PermitsPerClient"] = "100000" });
        using var client = service.CreateClient();
        await AccessTokenAsync(await ServiceTokenAsync(client));

        using var wrong = await ClientCredentialsAsync(client, ServiceSecret + "x");
        Assert.Equal("invalid_client", await EnvelopeErrorAsync(wrong, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));

        await using (var scope = service.Services.CreateAsyncScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var application = await applications.FindByClientIdAsync("agentcore-service", TestContext.Current.CancellationToken);
            await applications.UpdateAsync(application!, "the-replacement-secret", TestContext.Current.CancellationToken);
        }

        using var old = await ClientCredentialsAsync(client, ServiceSecret);
        Assert.Equal("invalid_client", await EnvelopeErrorAsync(old, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
        await AccessTokenAsync(await ClientCredentialsAsync(client, "the-replacement-secret"));
    }

    private static Task<HttpResponseMessage> ClientCredentialsAsync(HttpClient client, string secret) =>
        PostFormAsync(client, ApiToken, ("grant_type", "client_credentials"), ("client_id", "agentcore-service"), ("client_secret", secret));
}
