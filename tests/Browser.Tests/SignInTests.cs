using System.Text.RegularExpressions;
using AgentCore.Gateway.Browser.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AgentCore.Gateway.Browser.Tests;

/// <summary>
/// Signing in from a real browser through the Edge, as a person does with the AgentCore CLI: the CLI opens the
/// authorization URL, the person signs in on the login page, and the browser lands on the CLI's loopback listener.
/// </summary>
[Collection(BrowserStackGroup.Name)]
public sealed partial class SignInTests(BrowserStackFixture stack)
{
    private const string AlicePassword = "Alice-Passw0rd!";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Alice_signs_in_on_the_login_page_and_the_code_redeems_for_an_acme_token()
    {
        await using var attempt = await SignInAttempt.StartAsync(stack);
        var page = attempt.Page;

        var login = await attempt.OpenAsync();
        Assert.Equal("/connect/login", new Uri(page.Url).AbsolutePath);
        Assert.Contains("default-src 'none'", (await login!.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);
        await Assertions.Expect(page).ToHaveTitleAsync(new Regex("AgentCore Gateway"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();

        await page.GetByLabel("User name").FillAsync("alice");
        await page.GetByLabel("Password").FillAsync(AlicePassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        var response = await attempt.Callback.Received.WaitAsync(Wait, TestContext.Current.CancellationToken);
        Assert.Equal(attempt.Flow.State, response["state"]);
        var token = await attempt.Flow.RedeemAsync(response["code"]!);
        Assert.Equal("acme", token.GetClaim("tenant_id").Value);
        Assert.Equal(stack.PublicAddress.ToString(), token.Issuer);
        await Assertions.Expect(page.GetByText("You are signed in")).ToBeVisibleAsync();
        attempt.Log.AssertClean();
    }

    [Fact]
    public async Task A_wrong_password_shows_the_error_on_the_page_the_same_as_an_unknown_user()
    {
        await using var attempt = await SignInAttempt.StartAsync(stack);
        var page = attempt.Page;
        await attempt.OpenAsync();

        var wrongPassword = await SubmitAsync(page, "alice", "not-alices-password");
        var unknownUser = await SubmitAsync(page, "nobody-" + Guid.NewGuid().ToString("N")[..8], "not-a-password");

        Assert.False(string.IsNullOrWhiteSpace(wrongPassword));
        Assert.Equal(wrongPassword, unknownUser);
        Assert.Equal("/connect/login", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.GetByLabel("Password")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.False(attempt.Callback.Received.IsCompleted, "A failed sign-in must not reach the client.");
        attempt.Log.AssertNoForbidden();
    }

    [Fact]
    public async Task Sign_in_with_the_outside_provider_round_trips_through_a_second_identity_instance()
    {
        await using var attempt = await SignInAttempt.StartAsync(stack);
        var page = attempt.Page;
        await attempt.OpenAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {BrowserStackFixture.ProviderDisplayName}" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).Authority == stack.ProviderAddress.Authority && new Uri(url).AbsolutePath == "/connect/login");
        await page.GetByLabel("User name").FillAsync("alice");
        await page.GetByLabel("Password").FillAsync(AlicePassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        var response = await attempt.Callback.Received.WaitAsync(Wait, TestContext.Current.CancellationToken);
        var token = await attempt.Flow.RedeemAsync(response["code"]!);
        Assert.Equal("acme", token.GetClaim("tenant_id").Value);
        Assert.Equal($"oidc:{BrowserStackFixture.ProviderName}/alice", token.GetClaim("preferred_username").Value);
        Assert.Contains(attempt.Log.Responses, r => r.Url.StartsWith(new Uri(stack.PublicAddress, $"/connect/federation/{BrowserStackFixture.ProviderName}/callback").ToString(), StringComparison.Ordinal));
        attempt.Log.AssertClean();
    }

    /// <summary>Submits the login form and returns the alert the page then shows.</summary>
    private static async Task<string> SubmitAsync(IPage page, string userName, string password)
    {
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(),
            response => response.Request.Method == "POST" && new Uri(response.Url).AbsolutePath == "/connect/login");
        await page.WaitForLoadStateAsync();
        var alert = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToBeVisibleAsync();
        return (await alert.InnerTextAsync()).Trim();
    }
}
