using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;

namespace AgentCore.Gateway.Edge.Tests;

/// <summary>
/// Requests refused with 401 use up no caller's quota (a caller is only known once authenticated), so failed
/// authentications count against the source address instead: once its allowance is spent, its credentials are refused
/// unread with 429 until it recovers, while a token already known to be good keeps working. Each test calls from a
/// loopback address of its own.
/// </summary>
public sealed class AuthenticationFailureTests(AuthenticationFailureTests.FewFailures edge) : IClassFixture<AuthenticationFailureTests.FewFailures>
{
    private const int Allowance = 5;
    private const string TasksPath = "/api/v1/agents/agent-1/tasks";

    [Fact]
    public async Task A_flood_of_forged_tokens_is_refused_unread_with_429_once_the_allowance_is_spent()
    {
        using var client = SourceAddressClient.Create(edge.BaseAddress, IPAddress.Parse("127.0.0.61"));
        var good = edge.ValidToken();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, good));
        var forged = Forged(edge.ValidToken());

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < Allowance * 3; attempt++)
        {
            statuses.Add(await StatusAsync(client, forged));
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, Allowance), statuses.Take(Allowance));
        Assert.All(statuses.Skip(Allowance), status => Assert.Equal(HttpStatusCode.TooManyRequests, status));
        using (var refused = await SendAsync(client, forged))
        {
            var error = await Envelope.AssertAsync(refused, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimitExceeded);
            Assert.Equal("authentication-failures", error.GetProperty("details").GetProperty("policy").GetString());
            Assert.InRange(refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        }

        // A token already validated is still served; one not seen before is not even read.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, good));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(client, edge.ValidToken(scope: "agents.read")));
    }

    [Fact]
    public async Task Requests_without_credentials_to_protected_routes_count_too_and_other_addresses_are_unaffected()
    {
        using var flooder = SourceAddressClient.Create(edge.BaseAddress, IPAddress.Parse("127.0.0.62"));
        using var bystander = SourceAddressClient.Create(edge.BaseAddress, IPAddress.Parse("127.0.0.63"));

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt <= Allowance; attempt++)
        {
            using var response = await flooder.GetAsync(TasksPath, TestContext.Current.CancellationToken);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, Allowance), HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(bystander, edge.ValidToken()));
    }

    private static string Forged(string token) => token[..^4] + (token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string token)
    {
        using var response = await SendAsync(client, token);
        return response.StatusCode;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{TasksPath}/{Guid.NewGuid()}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The Edge allowing each address <see cref="Allowance"/> failed authentications an hour.</summary>
    public sealed class FewFailures : EdgeFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["Authentication:Failures:PermitLimit"] = Allowance.ToString(CultureInfo.InvariantCulture),
            ["Authentication:Failures:TokensPerPeriod"] = "1",
            ["Authentication:Failures:ReplenishmentPeriod"] = "01:00:00",
        };
    }
}
