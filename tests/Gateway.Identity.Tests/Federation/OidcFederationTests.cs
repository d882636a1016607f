using System.Net;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests.Federation;

[Collection(IdentityServerGroup.Name)]
public sealed class OidcFederationTests(IdentityServerFixture servers, FederationFixture federation) : IClassFixture<FederationFixture>
{
    private const string ClientRedirectUri = "http://127.0.0.1:49152/callback";

    [Fact]
    public async Task The_login_page_offers_a_sign_in_link_for_each_configured_provider()
    {
        using var browser = new Browser();

        var login = await browser.GetAsync(new Uri(federation.GatewayAddress, "connect/login?returnUrl=%2Fsomewhere"));

        Assert.Equal(HttpStatusCode.OK, login.Status);
        Assert.Equal("/connect/federation/corp", login.Link("Sign in with Corp SSO").AbsolutePath);
        Assert.Equal("/somewhere", QueryHelpers.ParseQuery(login.Link("Sign in with Corp SSO").Query)["returnUrl"]);
        Assert.Equal("/connect/federation/wrong-issuer", login.Link("Sign in with wrong-issuer").AbsolutePath);
        Assert.DoesNotContain("SAML", login.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_user_who_signs_in_at_the_provider_gets_a_gateway_token_with_the_mapped_tenant_and_roles()
    {
        using var browser = new Browser();
        var (verifier, challenge) = NewPkce();

        var code = await SignInThroughProviderAsync(browser, challenge, "alice", AlicePassword);
        var token = new JsonWebToken(await RedeemAsync(code, verifier));

        Assert.Equal(federation.GatewayAddress.ToString(), token.Issuer);
        Assert.Equal("globex", token.GetClaim("tenant_id").Value);
        Assert.Equal(["agent-admin", "auditor", "federated"], token.Claims.Where(claim => claim.Type == "roles").Select(claim => claim.Value).Order());
        Assert.Equal("oidc:corp/alice", token.GetClaim("preferred_username").Value);
        Assert.NotEqual(await ProviderSubjectAsync("alice"), token.Subject);
        // Other tests in this class sign the same person in too: every success for this account names the provider.
        var audited = await AuditStream.WaitForAsync(servers, audit => audit.Type == AuditEventTypes.LoginSucceeded && audit.Actor.Subject == token.Subject);
        Assert.NotEmpty(audited);
        Assert.All(audited, audit => Assert.Equal(("oidc:corp", "globex"), (audit.Details?["provider"], audit.Actor.TenantId)));
    }

    [Fact]
    public async Task A_federated_account_has_no_password_to_sign_in_with_here()
    {
        await SignedInSubjectAsync("alice", AlicePassword);
        using var client = federation.Gateway.CreateClient();

        using var withProviderPassword = await PasswordTokenAsync(client, "oidc:corp/alice", AlicePassword);
        using var withEmptyPassword = await PasswordTokenAsync(client, "oidc:corp/alice", string.Empty);

        Assert.Equal("invalid_grant", await EnvelopeErrorAsync(withProviderPassword, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
        Assert.Equal("invalid_request", await EnvelopeErrorAsync(withEmptyPassword, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest));
    }

    [Fact]
    public async Task A_second_sign_in_of_the_same_person_reuses_the_linked_account()
    {
        var first = await SignedInSubjectAsync("bob", "Bob-Passw0rd!");
        var second = await SignedInSubjectAsync("bob", "Bob-Passw0rd!");

        Assert.Equal(first, second);
        Assert.NotEqual(await SignedInSubjectAsync("alice", AlicePassword), first);
    }

    [Theory]
    [InlineData("wrong-issuer", HttpStatusCode.BadGateway, "wrong-issuer cannot be used right now: its metadata could not be retrieved or does not match its configured issuer.")]
    [InlineData("nobody", HttpStatusCode.NotFound, "There is no sign-in provider named 'nobody'.")]
    public async Task Starting_with_a_provider_that_cannot_be_used_ends_on_a_clear_page(string provider, HttpStatusCode status, string message)
    {
        using var browser = new Browser();

        var page = await browser.GetAsync(new Uri(federation.GatewayAddress, $"connect/federation/{provider}?returnUrl=%2F"));

        Assert.Equal(status, page.Status);
        Assert.Equal(message, page.Alert);
        Assert.Null(page.Location);
    }

    [Fact]
    public async Task An_identity_token_issued_for_another_audience_is_refused()
    {
        using var browser = new Browser();
        var (_, challenge) = NewPkce();

        var atProvider = await StartAsync(browser, challenge, "hostile");
        var callback = await LogInAtProviderAsync(browser, atProvider, "alice", AlicePassword);
        var page = await browser.GetAsync(callback);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.StartsWith("Sign-in with hostile failed", page.Alert, StringComparison.Ordinal);
        Assert.Contains("identity token cannot be used with this client application", page.Alert, StringComparison.Ordinal);
        Assert.False(await HasSessionAsync(browser, challenge), "no session may exist after a refused sign-in");
        var audited = await AuditStream.WaitForAsync(servers, audit => audit.Type == AuditEventTypes.LoginFailed && audit.Details?.GetValueOrDefault("provider") == "oidc:hostile");
        Assert.NotEmpty(audited);
    }

    [Fact]
    public async Task Consent_denied_at_the_provider_ends_on_a_clear_page()
    {
        using var browser = new Browser();
        var (_, challenge) = NewPkce();
        var atProvider = await StartAsync(browser, challenge, "corp");
        var state = QueryHelpers.ParseQuery(atProvider.Query)["state"].ToString();

        // What the provider sends back when the user declines: an OAuth error with the state it was given.
        var page = await browser.GetAsync(new Uri(federation.GatewayAddress, QueryHelpers.AddQueryString("connect/federation/corp/callback", new Dictionary<string, string?>
        {
            ["error"] = "access_denied",
            ["error_description"] = "The user declined.",
            ["state"] = state,
            ["iss"] = federation.ProviderAddress.ToString(),
        })));

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("access_denied", page.Alert, StringComparison.Ordinal);
        Assert.False(await HasSessionAsync(browser, challenge));
    }

    [Fact]
    public async Task A_callback_naming_another_issuer_is_refused()
    {
        using var browser = new Browser();
        var (_, challenge) = NewPkce();
        var atProvider = await StartAsync(browser, challenge, "corp");
        var callback = await LogInAtProviderAsync(browser, atProvider, "alice", AlicePassword);
        var parameters = QueryHelpers.ParseQuery(callback.Query).ToDictionary(parameter => parameter.Key, parameter => (string?)parameter.Value.ToString());
        Assert.Equal(federation.ProviderAddress.ToString(), parameters["iss"]);
        parameters["iss"] = "http://login.attacker.example/";

        var page = await browser.GetAsync(new Uri(QueryHelpers.AddQueryString(callback.GetLeftPart(UriPartial.Path), parameters)));

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.StartsWith("Sign-in with Corp SSO failed", page.Alert, StringComparison.Ordinal);
        Assert.Contains("'iss' parameter doesn't match the authorization server", page.Alert, StringComparison.Ordinal);
        Assert.False(await HasSessionAsync(browser, challenge));
    }

    [Fact]
    public async Task A_callback_with_a_forged_state_is_refused()
    {
        using var browser = new Browser();
        var (_, challenge) = NewPkce();
        await StartAsync(browser, challenge, "corp");

        var page = await browser.GetAsync(new Uri(federation.GatewayAddress, "connect/federation/corp/callback?code=forged&state=forged"));

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Equal("Sign-in with Corp SSO failed (invalid_token): The specified token is invalid.", page.Alert);
        Assert.False(await HasSessionAsync(browser, challenge));
    }

    [Fact]
    public async Task A_replayed_callback_is_refused()
    {
        using var browser = new Browser();
        var (_, challenge) = NewPkce();
        var atProvider = await StartAsync(browser, challenge, "corp");
        var callback = await LogInAtProviderAsync(browser, atProvider, "alice", AlicePassword);
        Assert.True((await browser.GetAsync(callback)).IsRedirect);

        using var attacker = new Browser();
        var replay = await attacker.GetAsync(callback);
        var replayWithCookies = await browser.GetAsync(callback);

        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);
        Assert.Equal(HttpStatusCode.BadRequest, replayWithCookies.Status);
        Assert.Contains("state token has already been redeemed", replay.Alert, StringComparison.Ordinal);
        Assert.Contains("state token has already been redeemed", replayWithCookies.Alert, StringComparison.Ordinal);
    }

    private async Task<string> SignedInSubjectAsync(string user, string password)
    {
        using var browser = new Browser();
        var (verifier, challenge) = NewPkce();
        var code = await SignInThroughProviderAsync(browser, challenge, user, password);
        return new JsonWebToken(await RedeemAsync(code, verifier)).Subject;
    }

    /// <summary>
    /// The whole flow a user goes through: a client's authorization request at the gateway, its login page, the
    /// provider's login page, back to the gateway, and finally the client's redirect URI with a code.
    /// </summary>
    private async Task<string> SignInThroughProviderAsync(Browser browser, string challenge, string user, string password)
    {
        var atProvider = await StartAsync(browser, challenge, "corp");
        var callback = await LogInAtProviderAsync(browser, atProvider, user, password);
        var page = await browser.GetAsync(callback);
        for (var hop = 0; page.IsRedirect && page.Location!.Authority == federation.GatewayAddress.Authority; hop++)
        {
            Assert.True(hop < 5, "too many redirects at the gateway");
            page = await browser.GetAsync(page.Location);
        }

        Assert.True(page.IsRedirect, $"{(int)page.Status} at {page.Url}: {page.Alert ?? page.Body}");
        Assert.StartsWith(ClientRedirectUri, page.Location!.ToString(), StringComparison.Ordinal);
        return QueryHelpers.ParseQuery(page.Location.Query)["code"].ToString();
    }

    /// <summary>From the client's authorization request to the provider's authorization endpoint, via "Sign in with …".</summary>
    private async Task<Uri> StartAsync(Browser browser, string challenge, string provider)
    {
        var authorize = await browser.GetAsync(AuthorizeUrl(challenge));
        Assert.True(authorize.IsRedirect, $"authorize answered {(int)authorize.Status}");
        var login = await browser.GetAsync(authorize.Location!);
        var displayName = provider == "corp" ? "Corp SSO" : provider;
        var start = await browser.GetAsync(login.Link("Sign in with " + displayName));
        Assert.True(start.IsRedirect, $"{(int)start.Status}: {start.Alert ?? start.Body}");
        return start.Location!;
    }

    /// <summary>The provider's side: its own login page, then back to the gateway's callback with a code.</summary>
    private static async Task<Uri> LogInAtProviderAsync(Browser browser, Uri providerAuthorize, string user, string password)
    {
        var page = await browser.GetAsync(providerAuthorize);
        Assert.True(page.IsRedirect, $"the provider answered {(int)page.Status}: {page.Body}");
        var login = await browser.GetAsync(page.Location!);
        var submitted = await browser.SubmitAsync(login, new Dictionary<string, string> { ["username"] = user, ["password"] = password });
        Assert.True(submitted.IsRedirect, $"the provider's login answered {(int)submitted.Status}: {submitted.Alert}");
        var back = await browser.GetAsync(submitted.Location!);
        Assert.True(back.IsRedirect, $"the provider's authorization answered {(int)back.Status}: {back.Body}");
        Assert.Contains("/callback", back.Location!.AbsolutePath, StringComparison.Ordinal);
        return back.Location;
    }

    /// <summary>Whether the gateway now treats this browser as signed in: an authorization request then skips the login page.</summary>
    private async Task<bool> HasSessionAsync(Browser browser, string challenge)
    {
        var authorize = await browser.GetAsync(AuthorizeUrl(challenge));
        return authorize.IsRedirect && authorize.Location!.ToString().StartsWith(ClientRedirectUri, StringComparison.Ordinal);
    }

    private Uri AuthorizeUrl(string challenge) => new(federation.GatewayAddress, QueryHelpers.AddQueryString("connect/authorize", new Dictionary<string, string?>
    {
        ["client_id"] = "agentcore-cli",
        ["response_type"] = "code",
        ["redirect_uri"] = ClientRedirectUri,
        ["scope"] = "openid profile agents.read",
        ["state"] = "client-state",
        ["code_challenge"] = challenge,
        ["code_challenge_method"] = "S256",
    }));

    private async Task<string> RedeemAsync(string code, string verifier)
    {
        using var client = federation.Gateway.CreateClient();
        using var response = await PostFormAsync(client, ConnectToken,
            ("grant_type", "authorization_code"), ("client_id", "agentcore-cli"), ("code", code), ("redirect_uri", ClientRedirectUri), ("code_verifier", verifier));
        return await AccessTokenAsync(response);
    }

    /// <summary>The subject the provider itself gives the user, read from a token it issues.</summary>
    private async Task<string> ProviderSubjectAsync(string user)
    {
        using var client = federation.Provider.CreateClient();
        using var response = await PasswordTokenAsync(client, user, AlicePassword);
        return new JsonWebToken(await AccessTokenAsync(response)).Subject;
    }
}
