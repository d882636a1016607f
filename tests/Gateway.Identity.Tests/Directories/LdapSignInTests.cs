using System.Net;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using static AgentCore.Gateway.Identity.Tests.Directories.DirectoryFixture;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests.Directories;

/// <summary>Password grant and login page against a real OpenLDAP directory, through the real Identity service.</summary>
[Collection(IdentityServerGroup.Name)]
public sealed class LdapSignInTests(IdentityServerFixture identity, DirectoryFixture directory) : IClassFixture<DirectoryFixture>
{
    private const string CarolPassword = "Carol-Ldap-Pass!";
    private const string RedirectUri = "http://127.0.0.1:49152/callback";

    [Theory]
    [InlineData(TemplateDomain, new[] { "agent-admin" })]
    [InlineData(SearchDomain, new[] { "agent-admin", "agent-operator", "directory-user" })]
    public async Task Password_grant_for_a_directory_user_gives_the_directory_tenant_and_the_mapped_roles(string domain, string[] roles)
    {
        var token = await TokenAsync($"carol@{domain}", CarolPassword);

        Assert.Equal("globex", token.GetClaim(GatewayClaims.TenantId).Value);
        Assert.Equal(roles, Roles(token));
    }

    [Fact]
    public async Task A_role_map_keyed_by_the_group_DN_maps_that_group()
    {
        var token = await TokenAsync($"erin@{TemplateDomain}", "Erin-Ldap-Pass!");

        Assert.Equal(["agent-operator"], Roles(token));
    }

    [Theory]
    [InlineData(TemplateDomain, new string[0])]
    [InlineData(SearchDomain, new[] { "directory-user" })]
    public async Task Unmapped_groups_give_no_role(string domain, string[] roles)
    {
        var token = await TokenAsync($"dave@{domain}", "Dave-Ldap-Pass!");

        Assert.Equal("globex", token.GetClaim(GatewayClaims.TenantId).Value);
        Assert.Equal(roles, Roles(token));
    }

    [Theory]
    [InlineData(TemplateDomain)]
    [InlineData(SearchDomain)]
    public async Task A_uid_with_DN_and_filter_special_characters_signs_in(string domain)
    {
        var token = await TokenAsync($"o'neil+ops, (*)@{domain}", "Owen-Ldap-Pass!");

        Assert.Contains("agent-operator", Roles(token));
    }

    [Theory]
    [InlineData(TemplateDomain)]
    [InlineData(SearchDomain)]
    public async Task A_non_ASCII_password_binds(string domain)
    {
        var token = await TokenAsync($"grete@{domain}", "Grüße-Ldap-Pass!");

        Assert.Equal("globex", token.GetClaim(GatewayClaims.TenantId).Value);
    }

    [Fact]
    public async Task A_user_filter_that_matches_more_than_one_entry_signs_nobody_in()
    {
        var client = await ClientAsync();

        using var response = await PasswordTokenAsync(client, $"carol@{AmbiguousDomain}", CarolPassword);

        Assert.Equal("invalid_grant", await EnvelopeErrorAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
    }

    [Fact]
    public async Task Directory_sign_ins_are_audited_with_the_directory_and_without_the_password()
    {
        var client = await ClientAsync();
        var token = await TokenAsync($"erin@{SearchDomain}", "Erin-Ldap-Pass!");
        using var refused = await PasswordTokenAsync(client, $"erin@{SearchDomain}", "Erin-Wrong-Pass!");

        var succeeded = await AuditStream.WaitForAsync(identity, audit =>
            audit.Type == AuditEventTypes.DirectorySignIn && audit.Outcome == AuditOutcomes.Success && audit.Actor.Subject == token.Subject);
        var failed = await AuditStream.WaitForAsync(identity, audit =>
            audit.Type == AuditEventTypes.DirectorySignIn && audit.Outcome == AuditOutcomes.Failure &&
            audit.Reason == "invalid_credentials" && audit.Details?["directory"] == "globex-search");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("globex-search", Assert.Single(succeeded).Details!["directory"]);
        Assert.Equal("globex", succeeded[0].Actor.TenantId);
        Assert.NotEmpty(failed);
        Assert.DoesNotContain(succeeded.Concat(failed), audit => System.Text.Json.JsonSerializer.Serialize(audit).Contains("Erin-", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(TemplateDomain)]
    [InlineData(SearchDomain)]
    public async Task Wrong_password_and_unknown_user_get_the_same_invalid_grant(string domain)
    {
        var client = await ClientAsync();

        using var wrongPassword = await PasswordTokenAsync(client, $"carol@{domain}", "not-carols-password");
        using var unknownUser = await PasswordTokenAsync(client, $"nobody@{domain}", CarolPassword);

        Assert.Equal("invalid_grant", await EnvelopeErrorAsync(wrongPassword, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
        Assert.Equal("invalid_grant", await EnvelopeErrorAsync(unknownUser, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
        Assert.Equal(await DescriptionAsync(wrongPassword), await DescriptionAsync(unknownUser));
    }

    [Theory]
    [InlineData(TemplateDomain)]
    [InlineData(SearchDomain)]
    public async Task An_empty_password_is_refused_before_any_bind(string domain)
    {
        // The password grant refuses an empty password itself; a hand-made login form post does not. slapd answers an
        // unauthenticated bind with unwillingToPerform, which would surface as "unavailable" had a bind been tried.
        var (status, page) = await LoginPageAsync($"carol@{domain}", string.Empty);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("user name or password is incorrect", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("*)(uid=*")]
    [InlineData("carol)(|(uid=*")]
    [InlineData("*)(|(objectClass=*")]
    [InlineData("c*")]
    [InlineData("\\")]
    [InlineData("\\2a")]
    [InlineData("carol,ou=people,dc=globex,dc=example")]
    [InlineData("uid=carol,ou=people,dc=globex,dc=example")]
    [InlineData("carol+cn=x")]
    public async Task LDAP_injection_in_the_user_name_matches_nobody_even_with_a_real_password(string userName)
    {
        var client = await ClientAsync();

        foreach (var domain in new[] { TemplateDomain, SearchDomain })
        {
            using var response = await PasswordTokenAsync(client, $"{userName}@{domain}", CarolPassword);

            Assert.Equal("invalid_grant", await EnvelopeErrorAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
        }
    }

    [Theory]
    [InlineData("carol\0")]
    [InlineData("\0")]
    public async Task A_NUL_in_the_user_name_is_a_bad_request_not_a_bind(string userName)
    {
        var client = await ClientAsync();

        using var response = await PasswordTokenAsync(client, $"{userName}@{TemplateDomain}", CarolPassword);

        Assert.Equal("invalid_request", await EnvelopeErrorAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest));
    }

    [Fact]
    public async Task The_second_sign_in_reuses_the_account_and_picks_up_a_changed_group_membership()
    {
        var first = await TokenAsync($"frank@{SearchDomain}", "Frank-Ldap-Pass!");
        directory.Ldap.Modify($"""
            dn: cn=agents-admins,ou=groups,{Suffix}
            changetype: modify
            add: member
            member: uid=frank,ou=people,{Suffix}

            dn: cn=agents-operators,ou=groups,{Suffix}
            changetype: modify
            delete: member
            member: uid=frank,ou=people,{Suffix}

            """);

        var second = await TokenAsync($"FRANK@{SearchDomain}", "Frank-Ldap-Pass!");

        Assert.Equal(["agent-operator", "directory-user"], Roles(first));
        Assert.Equal(["agent-admin", "agent-operator", "directory-user"], Roles(second));
        Assert.Equal(first.Subject, second.Subject);
    }

    [Fact]
    public async Task A_renamed_entry_keeps_its_account_when_the_subject_attribute_is_set()
    {
        directory.Ldap.Modify($"""
            dn: uid=heidi,ou=people,{Suffix}
            changetype: add
            objectClass: inetOrgPerson
            uid: heidi
            cn: Heidi
            sn: Heidi
            userPassword: Heidi-Ldap-Pass!

            """);
        var before = await TokenAsync($"heidi@{SearchDomain}", "Heidi-Ldap-Pass!");
        directory.Ldap.Modify($"""
            dn: uid=heidi,ou=people,{Suffix}
            changetype: modrdn
            newrdn: uid=heidi-renamed
            deleteoldrdn: 1

            """);

        var after = await TokenAsync($"heidi-renamed@{SearchDomain}", "Heidi-Ldap-Pass!");

        Assert.Equal(before.Subject, after.Subject);
    }

    [Fact]
    public async Task A_directory_user_is_not_a_local_user_of_the_same_name()
    {
        var client = await ClientAsync();

        using var response = await PasswordTokenAsync(client, "carol", CarolPassword);

        Assert.Equal("invalid_grant", await EnvelopeErrorAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
    }

    [Theory]
    [InlineData(ClosedDomain)]
    [InlineData(SilentDomain)]
    public async Task An_unreachable_directory_answers_temporarily_unavailable(string domain)
    {
        var client = await ClientAsync();

        using var response = await PasswordTokenAsync(client, $"carol@{domain}", CarolPassword);

        Assert.Equal("temporarily_unavailable", await EnvelopeErrorAsync(response, HttpStatusCode.ServiceUnavailable, ErrorCodes.ServiceUnavailable));
        Assert.Contains("directory", await DescriptionAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_login_page_signs_a_directory_user_in_and_the_code_flow_issues_the_mapped_token()
    {
        var service = await directory.ServiceAsync(identity);
        using var browser = service.CreateBrowser();
        var (verifier, challenge) = NewPkce();

        var result = await AuthorizeAsync(browser, CodeRequest(challenge), $"carol@{TemplateDomain}", CarolPassword);
        using var client = service.CreateClient();
        using var response = await PostFormAsync(client, ConnectToken, ("grant_type", "authorization_code"), ("client_id", "agentcore-cli"),
            ("code", QueryValue(result, "code") ?? throw new InvalidOperationException("No code in " + result)), ("redirect_uri", RedirectUri), ("code_verifier", verifier));

        var token = new JsonWebToken(await AccessTokenAsync(response));
        Assert.Equal("globex", token.GetClaim(GatewayClaims.TenantId).Value);
        Assert.Equal(["agent-admin"], Roles(token));
    }

    [Theory]
    [InlineData(SilentDomain, HttpStatusCode.ServiceUnavailable, "directory is not answering")]
    [InlineData(TemplateDomain, HttpStatusCode.Unauthorized, "user name or password is incorrect")]
    public async Task The_login_page_tells_a_wrong_password_from_a_directory_that_does_not_answer(string domain, HttpStatusCode status, string message)
    {
        var (answer, page) = await LoginPageAsync($"carol@{domain}", "not-carols-password");

        Assert.Equal(status, answer);
        Assert.Contains(message, page, StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, string Page)> LoginPageAsync(string userName, string password)
    {
        var service = await directory.ServiceAsync(identity);
        using var browser = service.CreateBrowser();
        var form = await browser.GetStringAsync("/connect/login?returnUrl=%2F", TestContext.Current.CancellationToken);
        using var response = await PostLoginFormAsync(browser, form, userName, password);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_service_does_not_start_with_an_invalid_directory()
    {
        var settings = DirectorySettings("broken", "broken.example", directory.Ldap.Port, new Dictionary<string, string?>
        {
            ["BindDnTemplate"] = "uid={0},ou=people," + Suffix,
            ["SearchBase"] = "ou=people," + Suffix,
            ["Host"] = "ldap.globex.example",
        });
        await using var service = new IdentityService(
            await identity.Postgres.CreateDatabaseAsync("identity"), identity.Redis.ConnectionString, settings, configureServices: null);

        var refusal = Assert.Throws<OptionsValidationException>(() => service.CreateClient());

        Assert.Contains("Identity:Directories:broken", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("BindDnTemplate", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Security", refusal.Message, StringComparison.Ordinal);
    }

    private async Task<HttpClient> ClientAsync() => (await directory.ServiceAsync(identity)).CreateClient();

    private async Task<JsonWebToken> TokenAsync(string userName, string password)
    {
        using var response = await PasswordTokenAsync(await ClientAsync(), userName, password);
        return new JsonWebToken(await AccessTokenAsync(response));
    }

    private static string[] Roles(JsonWebToken token) =>
        [.. token.Claims.Where(claim => claim.Type == GatewayClaims.Roles).Select(claim => claim.Value).Order(StringComparer.Ordinal)];

    private static async Task<string?> DescriptionAsync(HttpResponseMessage response) =>
        (await JsonAsync(response)).GetProperty("error").GetProperty("details").GetProperty("error_description").GetString();

    private static Dictionary<string, string?> CodeRequest(string challenge) => new()
    {
        ["client_id"] = "agentcore-cli",
        ["response_type"] = "code",
        ["redirect_uri"] = RedirectUri,
        ["scope"] = "openid agents.read",
        ["state"] = "state-1",
        ["code_challenge"] = challenge,
        ["code_challenge_method"] = "S256",
    };
}
