using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AgentCore.Gateway.Contracts;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests;

[Collection(IdentityServerGroup.Name)]
public sealed class BadInputTests(IdentityServerFixture fixture)
{
    private readonly HttpClient client = fixture.Service.CreateClient();

    [Fact]
    public async Task A_missing_grant_type_is_400_INVALID_REQUEST()
    {
        using var response = await PostFormAsync(client, ApiToken, ("client_id", "agentcore-service"), ("client_secret", ServiceSecret));

        Assert.Equal("invalid_request", await EnvelopeErrorAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest));
    }

    [Theory]
    [InlineData("username=a%00b&password=x")]
    [InlineData("username=alice&password=%00")]
    [InlineData("returnUrl=%00&username=alice&password=x")]
    public async Task A_login_form_with_a_NUL_character_is_400_INVALID_REQUEST(string body)
    {
        using var browser = fixture.Service.CreateBrowser();
        using var page = await browser.GetAsync("/connect/login", TestContext.Current.CancellationToken);
        var antiforgery = System.Text.RegularExpressions.Regex.Match(
            await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), "name=\"([^\"]+)\" value=\"([^\"]+)\"");
        using var form = new StringContent(
            $"{antiforgery.Groups[1].Value}={Uri.EscapeDataString(WebUtility.HtmlDecode(antiforgery.Groups[2].Value))}&{body}",
            Encoding.ASCII,
            "application/x-www-form-urlencoded");

        using var response = await browser.PostAsync("/connect/login", form, TestContext.Current.CancellationToken);

        await EnvelopeErrorAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest);
    }

    [Fact]
    public async Task A_login_form_without_its_antiforgery_token_gets_a_clear_400_page()
    {
        using var response = await client.PostAsync(
            "/connect/login",
            new FormUrlEncodedContent([new("username", "alice"), new("password", AlicePassword)]),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("did not come from this page", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_password_is_400_INVALID_REQUEST()
    {
        using var response = await PostFormAsync(client, ApiToken, ("grant_type", "password"), ("client_id", "agentcore-cli"), ("username", "alice"));

        Assert.Equal("invalid_request", await EnvelopeErrorAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest));
    }

    [Fact]
    public async Task An_unknown_grant_type_is_400()
    {
        using var response = await PostFormAsync(client, ApiToken, ("grant_type", "urn:example:magic"), ("client_id", "agentcore-service"), ("client_secret", ServiceSecret));

        Assert.Equal("unsupported_grant_type", await EnvelopeErrorAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest));
    }

    [Theory]
    [InlineData("no.such.scope", "invalid_scope")]
    [InlineData("gateway.admin", "invalid_request")]
    public async Task A_scope_that_is_unknown_or_not_permitted_to_the_client_is_400(string scope, string oauthError)
    {
        using var response = await PostFormAsync(client, ApiToken, ("grant_type", "client_credentials"), ("client_id", "agentcore-service"),
            ("client_secret", ServiceSecret), ("scope", scope));

        Assert.Equal(oauthError, await EnvelopeErrorAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task A_wrong_content_type_is_400(string contentType)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("grant_type=client_credentials&client_id=agentcore-service"));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        using var response = await client.PostAsync(ApiToken, content, TestContext.Current.CancellationToken);

        await EnvelopeErrorAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest);
    }

    [Theory]
    [InlineData(ApiToken)]
    [InlineData(ConnectToken)]
    public async Task An_oversized_body_is_413(string path)
    {
        using var response = await PostFormAsync(client, path, ("grant_type", "client_credentials"), ("padding", new string('x', 64 * 1024)));

        await EnvelopeErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, ErrorCodes.PayloadTooLarge);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json")]
    public async Task Garbage_bytes_get_a_400_class_answer_and_never_a_500(string contentType)
    {
        var garbage = new byte[2048];
        new Random(42).NextBytes(garbage);
        using var content = new ByteArrayContent(garbage);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        using var api = await client.PostAsync(ApiToken, content, TestContext.Current.CancellationToken);
        using var connect = await client.PostAsync(ConnectToken, new ByteArrayContent(garbage) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } }, TestContext.Current.CancellationToken);

        await EnvelopeErrorAsync(api, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest);
        Assert.Equal(HttpStatusCode.BadRequest, connect.StatusCode);
    }

    [Theory]
    [InlineData("{\"grant_type\":")]
    [InlineData("[\"client_credentials\"]")]
    [InlineData("{\"grant_type\":{\"nested\":true}}")]
    public async Task Malformed_or_non_object_JSON_is_400_INVALID_REQUEST(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(ApiToken, content, TestContext.Current.CancellationToken);

        Assert.Equal("invalid_request", await EnvelopeErrorAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest));
    }

    [Fact]
    public async Task A_GET_on_the_token_api_is_refused_with_a_400_class_status()
    {
        using var response = await client.GetAsync(ApiToken + "?grant_type=client_credentials", TestContext.Current.CancellationToken);

        Assert.InRange((int)response.StatusCode, 400, 499);
    }
}
