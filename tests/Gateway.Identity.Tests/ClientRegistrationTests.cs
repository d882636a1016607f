using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentCore.Gateway.Identity.ClientRegistration;
using AgentCore.Gateway.TestSupport;
using CsCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests;

/// <summary>
/// MCP clients the gateway was never told about: Client ID Metadata Documents fetched from a real loopback server (only
/// when that host is exempted from the private-network fence), refused when the document is remote in the wrong way
/// (plain HTTP, a private address, too large, too slow, not its own URL, a redirect URI outside the MCP rules); the
/// consent page shown once and then remembered; RFC 7591 registration off by default and fenced when on.
/// </summary>
[Collection(IdentityServerGroup.Name)]
public sealed partial class ClientRegistrationTests(IdentityServerFixture fixture) : IAsyncLifetime
{
    private const string Callback = "http://localhost:7777/callback";

    private static readonly string[] CallbackOnly = [Callback];

    private readonly int documentPort = FreePort.Next();
    private WebApplication? documents;
    private int clientDocumentFetches;

    private string DocumentUrl(string name) => $"http://127.0.0.1:{documentPort}/{name}";

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{documentPort}");
        documents = builder.Build();
        documents.MapGet("/client.json", () =>
        {
            Interlocked.Increment(ref clientDocumentFetches);
            return Results.Json(Document(DocumentUrl("client.json"), Callback));
        });
        documents.MapGet("/large.json", () => Results.Json(Document(DocumentUrl("large.json"), Callback, padding: new string('x', 8 * 1024))));
        documents.MapGet("/slow.json", async (CancellationToken cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
            return Results.Json(Document(DocumentUrl("slow.json"), Callback));
        });
        documents.MapGet("/redirect.json", () => Results.Redirect(DocumentUrl("client.json")));
        documents.MapGet("/other-id.json", () => Results.Json(Document(DocumentUrl("client.json"), Callback)));
        documents.MapGet("/remote-redirect.json", () => Results.Json(Document(DocumentUrl("remote-redirect.json"), "http://attacker.example/callback")));
        await documents.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (documents is not null)
        {
            await documents.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_document_client_is_registered_from_its_document_asks_consent_once_and_is_not_fetched_again_while_cached()
    {
        var service = await fixture.CreateService(Permissive());
        using var browser = service.CreateBrowser();

        var (firstPage, firstRedirect) = await SignInAndAuthorizeAsync(browser, DocumentUrl("client.json"));
        Assert.Null(firstRedirect);
        Assert.Contains("Allow Test MCP client?", firstPage, StringComparison.Ordinal);

        var code = await AcceptConsentAsync(browser, firstPage);
        Assert.False(string.IsNullOrEmpty(code));

        // Remembered: the next authorization goes straight back to the client, and the document was read once.
        var (_, secondRedirect) = await SignInAndAuthorizeAsync(browser, DocumentUrl("client.json"));
        Assert.NotNull(QueryValue(secondRedirect!, "code"));
        Assert.Equal(1, Volatile.Read(ref clientDocumentFetches));
    }

    [Theory]
    [InlineData("large.json", "too large")]
    [InlineData("slow.json", "did not arrive in time")]
    [InlineData("redirect.json", "could not be fetched (302)")]
    [InlineData("other-id.json", "client_id is not its own URL")]
    [InlineData("remote-redirect.json", "redirect_uris must be HTTPS, or HTTP on localhost")]
    [InlineData("missing.json", "could not be fetched (404)")]
    public async Task A_document_that_is_too_large_too_slow_redirected_not_its_own_or_outside_the_redirect_rules_is_refused(string document, string reason)
    {
        var service = await fixture.CreateService(Permissive());
        using var browser = service.CreateBrowser();
        var started = TimeProvider.System.GetTimestamp();

        await AssertRefusedAsync(browser, DocumentUrl(document), reason);

        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(8), "The fetch is bounded by its timeout.");
        Assert.Equal(0, Volatile.Read(ref clientDocumentFetches));
    }

    [Fact]
    public async Task A_document_is_fetched_again_once_its_registration_is_older_than_the_cache_duration()
    {
        var service = await fixture.CreateService(new Dictionary<string, string?>(Permissive()) { ["Identity:ClientMetadataDocuments:CacheDuration"] = "00:00:00" });
        using var browser = service.CreateBrowser();

        // Not signed in: each authorization request is sent to the login page, after the client was looked up.
        for (var request = 0; request < 2; request++)
        {
            using var response = await browser.GetAsync(AuthorizeUrl(DocumentUrl("client.json")), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }

        Assert.Equal(2, Volatile.Read(ref clientDocumentFetches));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task A_document_on_a_private_or_loopback_address_is_never_fetched_unless_its_host_is_exempted(string host)
    {
        var service = await fixture.CreateService(new Dictionary<string, string?>
        {
            ["Identity:ClientMetadataDocuments:RequireHttps"] = "false",
            ["Identity:ClientMetadataDocuments:PrivateNetworkHosts:0"] = host == "localhost" ? "127.0.0.1" : "localhost",
        });
        using var browser = service.CreateBrowser();

        await AssertRefusedAsync(browser, $"http://{host}:{documentPort}/client.json", "resolves to an address that may not be reached");
        Assert.Equal(0, Volatile.Read(ref clientDocumentFetches));
    }

    [Fact]
    public async Task A_document_over_plain_http_is_refused_by_default()
    {
        using var browser = fixture.Service.CreateBrowser();

        await AssertRefusedAsync(browser, DocumentUrl("client.json"), "must be served over HTTPS");
        Assert.Equal(0, Volatile.Read(ref clientDocumentFetches));
    }

    [Fact]
    public async Task The_discovery_documents_say_what_mcp_clients_look_for_and_registration_is_off_by_default()
    {
        using var client = fixture.Service.CreateClient();
        var cancellationToken = TestContext.Current.CancellationToken;

        var metadata = await client.GetFromJsonAsync<JsonElement>("/.well-known/oauth-authorization-server", cancellationToken);
        Assert.Equal(IdentityServerFixture.Issuer, metadata.GetProperty("issuer").GetString());
        Assert.True(metadata.GetProperty("client_id_metadata_document_supported").GetBoolean());
        Assert.False(metadata.TryGetProperty("registration_endpoint", out _));
        Assert.Contains("urn:ietf:params:oauth:grant-type:token-exchange", metadata.GetProperty("grant_types_supported").EnumerateArray().Select(grant => grant.GetString()));

        using var registration = await client.PostAsJsonAsync("/connect/register", new { redirect_uris = CallbackOnly }, cancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, registration.StatusCode);
    }

    [Fact]
    public async Task When_registration_is_on_it_registers_loopback_clients_that_need_consent_and_refuses_other_hosts()
    {
        var service = await fixture.CreateService(new Dictionary<string, string?> { ["Identity:DynamicClientRegistration:Enabled"] = "true" });
        using var client = service.CreateClient();
        var cancellationToken = TestContext.Current.CancellationToken;

        var metadata = await client.GetFromJsonAsync<JsonElement>("/.well-known/oauth-authorization-server", cancellationToken);
        Assert.Equal(IdentityServerFixture.Issuer + "connect/register", metadata.GetProperty("registration_endpoint").GetString());

        using var refused = await client.PostAsJsonAsync("/connect/register", Redirects("https://attacker.example/callback"), cancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("invalid_redirect_uri", (await JsonAsync(refused)).GetProperty("error").GetString());

        using var secret = await client.PostAsJsonAsync("/connect/register", new { redirect_uris = CallbackOnly, token_endpoint_auth_method = "client_secret_basic" }, cancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, secret.StatusCode);

        using var registered = await client.PostAsJsonAsync(
            "/connect/register", new { redirect_uris = CallbackOnly, client_name = "Registered MCP client", scope = "agents.read gateway.admin" }, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var body = await JsonAsync(registered);
        Assert.Equal("agents.read", body.GetProperty("scope").GetString());
        var clientId = body.GetProperty("client_id").GetString()!;

        using var browser = service.CreateBrowser();
        var (page, redirect) = await SignInAndAuthorizeAsync(browser, clientId);
        Assert.Null(redirect);
        Assert.Contains("Allow Registered MCP client?", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registration_accepts_only_redirect_hosts_on_its_allow_list()
    {
        var service = await fixture.CreateService(new Dictionary<string, string?>
        {
            ["Identity:DynamicClientRegistration:Enabled"] = "true",
            ["Identity:DynamicClientRegistration:AllowedRedirectHosts:0"] = "app.example",
        });
        using var client = service.CreateClient();
        var cancellationToken = TestContext.Current.CancellationToken;

        using var loopback = await client.PostAsJsonAsync("/connect/register", new { redirect_uris = CallbackOnly }, cancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, loopback.StatusCode);
        Assert.Equal("invalid_redirect_uri", (await JsonAsync(loopback)).GetProperty("error").GetString());

        using var plainHttp = await client.PostAsJsonAsync("/connect/register", Redirects("http://app.example/callback"), cancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, plainHttp.StatusCode);

        using var allowed = await client.PostAsJsonAsync("/connect/register", Redirects("https://app.example/callback"), cancellationToken);
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
        Assert.Equal("https://app.example/callback", (await JsonAsync(allowed)).GetProperty("redirect_uris")[0].GetString());
    }

    [Fact]
    public void The_fetch_fence_refuses_every_loopback_private_shared_and_link_local_address_also_when_mapped_to_ipv6()
    {
        var fenced = Gen.OneOf(
            Gen.Select(Gen.Byte, Gen.Byte, Gen.Byte, (b, c, d) => new IPAddress([127, b, c, d])),
            Gen.Select(Gen.Byte, Gen.Byte, Gen.Byte, (b, c, d) => new IPAddress([10, b, c, d])),
            Gen.Select(Gen.Byte[16, 31], Gen.Byte, Gen.Byte, (b, c, d) => new IPAddress([172, b, c, d])),
            Gen.Select(Gen.Byte, Gen.Byte, (c, d) => new IPAddress([192, 168, c, d])),
            Gen.Select(Gen.Byte, Gen.Byte, (c, d) => new IPAddress([169, 254, c, d])),
            Gen.Select(Gen.Byte[64, 127], Gen.Byte, Gen.Byte, (b, c, d) => new IPAddress([100, b, c, d])),
            Gen.Select(Gen.Byte[224, 255], Gen.Byte, Gen.Byte, Gen.Byte, (a, b, c, d) => new IPAddress([a, b, c, d])),
            Gen.Select(Gen.Byte, Gen.Byte, Gen.Byte, (b, c, d) => new IPAddress([0, b, c, d])),
            Gen.Select(Gen.UShort, Gen.UShort, (b, c) => IPAddress.Parse($"fe80::{b:x}:{c:x}")),
            Gen.Select(Gen.UShort, Gen.UShort, (b, c) => IPAddress.Parse($"fd00::{b:x}:{c:x}")),
            Gen.Const(IPAddress.IPv6Loopback),
            Gen.Const(IPAddress.IPv6Any));

        Gen.Select(fenced, Gen.Bool).Sample(
            (address, mapped) => !ClientMetadataDocuments.IsPublic(mapped && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? address.MapToIPv6() : address));
        Assert.True(ClientMetadataDocuments.IsPublic(IPAddress.Parse("93.184.215.14")));
        Assert.True(ClientMetadataDocuments.IsPublic(IPAddress.Parse("2606:4700::6810:84e5")));
    }

    private static object Redirects(params string[] redirectUris) => new { redirect_uris = redirectUris };

    private static Dictionary<string, string?> Permissive() => new()
    {
        ["Identity:ClientMetadataDocuments:RequireHttps"] = "false",
        ["Identity:ClientMetadataDocuments:PrivateNetworkHosts:0"] = "127.0.0.1",
        ["Identity:ClientMetadataDocuments:Timeout"] = "00:00:01",
    };

    private static object Document(string clientId, string redirect, string? padding = null) => new
    {
        client_id = clientId,
        client_name = "Test MCP client",
        redirect_uris = new[] { redirect },
        grant_types = new[] { "authorization_code", "refresh_token" },
        response_types = new[] { "code" },
        token_endpoint_auth_method = "none",
        padding,
    };

    private static Dictionary<string, string?> Parameters(string clientId) => new()
    {
        ["client_id"] = clientId,
        ["response_type"] = "code",
        ["redirect_uri"] = Callback,
        ["scope"] = "agents.read",
        ["state"] = "state-1",
        ["code_challenge"] = NewPkce().Challenge,
        ["code_challenge_method"] = "S256",
    };

    private static Uri AuthorizeUrl(string clientId) =>
        new(QueryHelpers.AddQueryString("/connect/authorize", Parameters(clientId)), UriKind.Relative);

    /// <summary>The authorization request is refused before any sign-in, as an unknown client, for <paramref name="reason"/>.</summary>
    private static async Task AssertRefusedAsync(HttpClient browser, string clientId, string reason)
    {
        using var response = await browser.GetAsync(AuthorizeUrl(clientId), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{(int)response.StatusCode}: {body}");
        Assert.Contains("invalid_client", body, StringComparison.Ordinal);
        Assert.Contains(reason, body, StringComparison.Ordinal);
    }

    /// <summary>The authorization request, signing in when asked: the consent page, or the redirect to the client.</summary>
    private static async Task<(string Page, Uri? Redirect)> SignInAndAuthorizeAsync(HttpClient browser, string clientId)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var location = AuthorizeUrl(clientId);
        for (var hop = 0; hop < 6; hop++)
        {
            using var response = await browser.GetAsync(location, cancellationToken);
            var page = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK && response.RequestMessage!.RequestUri!.AbsolutePath == "/connect/login")
            {
                using var login = await PostLoginFormAsync(browser, page, "alice", AlicePassword);
                location = login.Headers.Location!;
                continue;
            }

            if (response.StatusCode == HttpStatusCode.OK)
            {
                return (page, null);
            }

            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{(int)response.StatusCode}: {page}");
            var next = response.Headers.Location!;
            if (next.IsAbsoluteUri && next.AbsoluteUri.StartsWith(Callback, StringComparison.Ordinal))
            {
                return (string.Empty, next);
            }

            location = next.IsAbsoluteUri ? new Uri(next.PathAndQuery, UriKind.Relative) : next;
        }

        throw new InvalidOperationException("The authorization flow did not end.");
    }

    private static async Task<string?> AcceptConsentAsync(HttpClient browser, string page)
    {
        var fields = HiddenInput().Matches(page).ToDictionary(match => WebUtility.HtmlDecode(match.Groups[1].Value), match => WebUtility.HtmlDecode(match.Groups[2].Value));
        fields["consent"] = "accept";
        using var response = await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"consent answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        return QueryValue(response.Headers.Location!, "code");
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();
}
