using System.Net;

namespace AgentCore.Gateway.Identity.Tests.Login;

[Collection(IdentityServerGroup.Name)]
public sealed class LoginPageTests(IdentityServerFixture fixture)
{
    [Fact]
    public async Task The_login_page_names_the_product_and_is_served_under_a_strict_policy_with_no_inline_script_or_style()
    {
        using var client = fixture.Service.CreateClient();

        using var response = await client.GetAsync(new Uri("/connect/login", UriKind.Relative), TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("style-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" style=", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("AgentCore Gateway", html, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_stylesheet_the_page_links_is_served_as_css()
    {
        using var client = fixture.Service.CreateClient();

        using var response = await client.GetAsync(new Uri("/connect/assets/sign-in.css", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("[role=\"alert\"]", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
