using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;
using CsCheck;

namespace AgentCore.Gateway.Edge.Tests;

public sealed class ValidationTests(EdgeFixture edge) : IClassFixture<EdgeFixture>
{
    private const string TasksPath = "/api/v1/agents/agent-1/tasks";

    [Fact]
    public async Task A_body_over_one_mebibyte_gets_413()
    {
        using var client = edge.CreateClient();
        using var response = await PostAsync(client, new string('x', 1024 * 1024 + 1), "application/json");
        await Envelope.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, ErrorCodes.PayloadTooLarge);
    }

    [Fact]
    public async Task A_chunked_body_over_one_mebibyte_gets_413()
    {
        using var client = edge.CreateClient();
        using var response = await PostChunkedAsync(client, JsonArray(100_000));

        await Envelope.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, ErrorCodes.PayloadTooLarge);
    }

    [Fact]
    public async Task A_chunked_body_under_the_limit_is_forwarded_whole_with_a_signature_over_it()
    {
        // The backend checks the Edge's signature, which covers the body's digest: a 200 means both saw the same bytes.
        using var client = edge.CreateClient();
        var json = JsonArray(20_000);
        using var response = await PostChunkedAsync(client, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(json.Length, echo.GetProperty("body_length").GetInt32());
    }

    [Theory]
    [InlineData("""{"task_type":"\ud800"}""")]
    [InlineData("""{"task_type":"a\u0000b"}""")]
    public async Task Text_no_service_can_take_in_a_proxied_json_body_gets_400(string body)
    {
        using var client = edge.CreateClient();
        using var response = await PostAsync(client, body, "application/json");
        await Envelope.AssertAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest);
    }

    [Fact]
    public async Task A_non_json_body_on_a_json_route_gets_415()
    {
        using var client = edge.CreateClient();
        using var response = await PostAsync(client, "task_type=x", "application/x-www-form-urlencoded");
        await Envelope.AssertAsync(response, HttpStatusCode.UnsupportedMediaType, ErrorCodes.UnsupportedMediaType);
    }

    [Fact]
    public async Task Malformed_json_gets_400_invalid_request()
    {
        using var client = edge.CreateClient();
        using var response = await PostAsync(client, """{"task_type": "x", """, "application/json");
        await Envelope.AssertAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest);
    }

    [Fact]
    public async Task Well_formed_json_is_forwarded_whole()
    {
        using var client = edge.CreateClient();
        const string body = """{"task_type":"analyze","input_data":{"text":"hello"}}""";
        using var response = await PostAsync(client, body, "application/json; charset=utf-8");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(body.Length, echo.GetProperty("body_length").GetInt32());
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("12345")]
    public async Task A_non_uuid_request_id_gets_400_with_a_fresh_request_id(string requestId)
    {
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.Add(GatewayHeaders.RequestId, requestId);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest);
    }

    [Theory]
    [InlineData("/api/v1/agents/../audit/events")]
    [InlineData("/api/v1/agents/%2e%2e/audit/events")]
    [InlineData("/api/v1/agents/agent-1%2Ftasks")]
    [InlineData("/api/v1/agents/%252e%252e/audit")]
    [InlineData("/api/v1/agents/agent-1\\..\\tasks")]
    public async Task Traversal_and_encoded_paths_are_refused(string target)
    {
        var (status, response) = await RawHttp.SendAsync(edge.BaseAddress, $"GET {target} HTTP/1.1\nHost: localhost\nConnection: close\n\n", TestContext.Current.CancellationToken);
        Assert.Equal(400, status);
        Assert.Contains(ErrorCodes.InvalidRequest, response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Content_length_with_transfer_encoding_is_refused()
    {
        var (status, _) = await RawHttp.SendAsync(
            edge.BaseAddress,
            $"POST {TasksPath} HTTP/1.1\nHost: localhost\nContent-Type: application/json\nContent-Length: 4\nTransfer-Encoding: chunked\nConnection: close\n\n2\n{{}}\n0\n\n",
            TestContext.Current.CancellationToken);
        Assert.Equal(400, status);
    }

    [Theory]
    [InlineData("GET /api/v1/health HTTP/1.1\nHost: localhost\nConnection: close\n\n")]
    [InlineData("GET /api/v1/health HTTP/1.1\r\nHost: localhost\nConnection: close\r\n\r\n")]
    [InlineData("GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\n\n")]
    public async Task A_request_with_bare_LF_line_endings_is_refused_with_400(string request)
    {
        var (status, _) = await RawHttp.SendBytesAsync(edge.BaseAddress, Encoding.ASCII.GetBytes(request), TestContext.Current.CancellationToken);

        Assert.Equal(400, status);
    }

    [Fact]
    public async Task Control_characters_in_any_header_value_get_400_with_the_envelope_and_the_edge_still_answers()
    {
        using var client = edge.CreateClient();
        var headerValues = HostileInput.ControlText
            .Select(text => new string([.. text.Where(character => character is not ('\0' or '\r' or '\n'))]))
            .Where(text => text.Any(character => character != '\t' && char.IsControl(character)));

        await Gen.Select(headerValues, Gen.OneOf(Gen.Const("User-Agent"), Gen.Const("X-Note"), Gen.Const("Accept-Language"), Gen.Const("Last-Event-ID")))
            .SampleAsync(async (value, header) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
                request.Headers.TryAddWithoutValidation(header, value);
                using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
                await Envelope.AssertAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest);
            }, iter: 60, threads: 1);

        using var healthy = await client.GetAsync("/api/v1/health", TestContext.Current.CancellationToken);
        Assert.True(healthy.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task A_method_the_route_does_not_take_gets_405_with_the_envelope()
    {
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/health");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        await Envelope.AssertAsync(response, HttpStatusCode.MethodNotAllowed, ErrorCodes.MethodNotAllowed);
    }

    private Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string contentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, TasksPath) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", edge.ValidToken());
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>A JSON array of <paramref name="count"/> twelve-byte strings.</summary>
    private static string JsonArray(int count) => "[" + string.Join(',', Enumerable.Repeat("\"0123456789\"", count)) + "]";

    /// <summary>Posts <paramref name="json"/> with chunked framing (no length known in advance) and a valid token.</summary>
    private Task<HttpResponseMessage> PostChunkedAsync(HttpClient client, string json)
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, TasksPath) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", edge.ValidToken());
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
