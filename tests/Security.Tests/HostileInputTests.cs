using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.EndToEnd.Tests;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;
using AgentCore.Gateway.TestSupport;
using CsCheck;

namespace AgentCore.Gateway.Security.Tests;

/// <summary>
/// Generated hostile input through every public endpoint of the real stack, by way of the Edge: query parameters,
/// path segments, header values, JSON and form bodies, WebSocket messages. Lone surrogates (as JSON escapes, and as
/// their UTF-8 encodings, which are invalid UTF-8), NUL, control characters, overlong values and odd JSON shapes. No
/// answer is a 5xx, every refusal can be read (the envelope, or the OAuth error object on <c>/connect/</c>), and the
/// stack still serves ordinary requests afterwards.
/// </summary>
/// <remarks>
/// A NUL in the request path and a request line over 8 KiB never reach the gateway's code: Kestrel refuses them itself
/// with a bare 400 or 414, so the generators keep paths free of NUL and URLs under that size.
/// </remarks>
[Collection(GatewayStackGroup.Name)]
public sealed class HostileInputTests(GatewayStackFixture stack) : IAsyncLifetime
{
    /// <summary>Token requests come from an address of their own, so that their per-address limits are theirs alone.</summary>
    private static readonly System.Net.IPAddress TokenProbeSource = System.Net.IPAddress.Parse("127.0.0.50");

    private static readonly string[] AuditFilters = ["tenant_id", "type", "client_id", "subject", "outcome", "from", "to", "limit", "cursor"];

    /// <summary>Text that can travel in a URL: controls and NUL percent-encoded, invalid UTF-8, long values.</summary>
    private static readonly Gen<string> UrlText = Gen.Frequency(
        (5, HostileInput.ControlText.Select(HostileInput.QueryEscape)),
        (2, HostileInput.InvalidUtf8.Select(HostileInput.PercentEncode)),
        (1, HostileInput.Overlong.Select(text => text[..Math.Min(text.Length, 3_000)])));

    /// <summary>Like <see cref="UrlText"/>, for a path segment: no NUL, which Kestrel refuses before the gateway sees it.</summary>
    private static readonly Gen<string> PathText = UrlText.Where(text => !text.Contains("%00", StringComparison.Ordinal));

    private HttpClient edge = null!;
    private string serviceToken = null!;
    private string adminToken = null!;

    public async ValueTask InitializeAsync()
    {
        edge = stack.CreateEdgeClient();
        serviceToken = await StackCredentials.GetServiceTokenAsync(edge, $"{GatewayScopes.AgentsRead} {GatewayScopes.AgentsWrite} {GatewayScopes.EventsRead}");
        adminToken = await StackCredentials.GetClientTokenAsync(edge, "agentcore-admin", "dev-admin-secret", $"{GatewayScopes.AuditRead} {GatewayScopes.GatewayAdmin}");
    }

    public ValueTask DisposeAsync()
    {
        edge.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Hostile_query_parameters_on_every_public_GET_endpoint_are_handled()
    {
        var targets = Gen.OneOf(
            Gen.OneOf(AuditFilters.Select(Gen.Const).ToArray()).Select(filter => (Path: $"/api/v1/audit/events?{filter}=", Token: (string?)adminToken)),
            Gen.OneOf(Gen.Const("agent_id"), Gen.Const("types")).Select(name => (Path: $"/api/v1/events/stream?{name}=", Token: (string?)serviceToken)),
            Gen.Const((Path: $"/connect/authorize?response_type=code&client_id=agentcore-cli&redirect_uri=http://127.0.0.1:5000/callback&scope=openid&code_challenge={new string('c', 43)}&code_challenge_method=S256&state=", Token: (string?)null)),
            Gen.Const((Path: "/connect/authorize?response_type=code&client_id=", Token: (string?)null)),
            Gen.Const((Path: "/connect/login?returnUrl=", Token: (string?)null)),
            Gen.Const((Path: "/api/v1/health?probe=", Token: (string?)null)),
            Gen.Const((Path: "/.well-known/openid-configuration?probe=", Token: (string?)null)),
            Gen.Const((Path: "/api/v1/agents/agent-1/tasks/00000000-0000-0000-0000-000000000000?probe=", Token: (string?)serviceToken)));

        await Gen.Select(targets, UrlText).SampleAsync(async (target, text) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, target.Path + text);
            Authorize(request, target.Token);
            request.Headers.Accept.ParseAdd(target.Path.StartsWith("/api/v1/events", StringComparison.Ordinal) ? "text/event-stream" : "application/json");
            using var response = await edge.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
            Assert.False(response.Content.Headers.ContentType?.MediaType == "text/event-stream", $"a stream opened for {target.Path}{text}");
            await Answers.AssertHandledAsync(response, target.Path + text);
        }, iter: 150, threads: 1);

        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Hostile_path_segments_are_handled()
    {
        var targets = Gen.OneOf(
            Gen.Const((Template: "/api/v1/agents/{0}/tasks/00000000-0000-0000-0000-000000000000", Method: HttpMethod.Get, Token: serviceToken)),
            Gen.Const((Template: "/api/v1/agents/agent-1/tasks/{0}", Method: HttpMethod.Get, Token: serviceToken)),
            Gen.Const((Template: "/api/v1/auth/api-keys/{0}", Method: HttpMethod.Delete, Token: adminToken)),
            Gen.Const((Template: "/ws/agents/{0}", Method: HttpMethod.Get, Token: serviceToken)));

        await Gen.Select(targets, PathText).SampleAsync(async (target, text) =>
        {
            var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, target.Template, text);
            using var request = new HttpRequestMessage(target.Method, path);
            Authorize(request, target.Token);
            using var response = await edge.SendAsync(request, TestContext.Current.CancellationToken);
            await Answers.AssertRefusedAsync(response, path);
        }, iter: 80, threads: 1);

        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Control_characters_in_any_header_value_are_refused_with_the_envelope()
    {
        var headers = Gen.OneOf(Gen.Const("User-Agent"), Gen.Const("X-Request-ID"), Gen.Const("Accept-Language"), Gen.Const("Origin"),
            Gen.Const("Last-Event-ID"), Gen.Const("X-Custom-Note"), Gen.Const("Authorization"), Gen.Const("X-API-Key"));
        var values = HostileInput.ControlText
            .Select(text => new string([.. text.Where(character => character is not ('\0' or '\r' or '\n'))]))
            .Where(text => text.Any(character => character != '\t' && char.IsControl(character)));

        await Gen.Select(headers, values).SampleAsync(async (header, value) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/agents/agent-1/tasks/00000000-0000-0000-0000-000000000000");
            Authorize(request, serviceToken);
            request.Headers.Remove(header);
            request.Headers.TryAddWithoutValidation(header, header == "Authorization" ? "Bearer " + value : value);
            using var response = await edge.SendAsync(request, TestContext.Current.CancellationToken);
            await Answers.AssertRefusedAsync(response, $"{header}: {HostileInput.JsonString(value)}");
        }, iter: 60, threads: 1);

        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Hostile_JSON_bodies_of_tasks_tokens_and_API_keys_are_handled()
    {
        using var tokenClient = SourceAddressClient.Create(stack.EdgeAddress, TokenProbeSource);
        var bodies = Gen.OneOf(
            Gen.Select(HostileInput.AnyText, Gen.OneOf(Gen.Const("task_type"), Gen.Const("priority"), Gen.Const("text"), Gen.Const("key")))
                .Select((text, field) => (Client: edge, Path: "/api/v1/agents/agent-1/tasks", Token: (string?)serviceToken, Json: field switch
                {
                    "text" => $"{{\"task_type\":\"analyze\",\"input_data\":{{\"text\":{HostileInput.JsonString(text)}}}}}",
                    "key" => $"{{\"task_type\":\"analyze\",\"input_data\":{{{HostileInput.JsonString(text)}:1}}}}",
                    _ => $"{{\"task_type\":\"analyze\",\"input_data\":{{}},\"{field}\":{HostileInput.JsonString(text)}}}",
                })),
            HostileInput.OddJson.Select(json => (Client: edge, Path: "/api/v1/agents/agent-1/tasks", Token: (string?)serviceToken, Json: json)),
            Gen.Select(HostileInput.AnyText, Gen.OneOf(Gen.Const("name"), Gen.Const("tenant_id")))
                .Select((text, field) => (Client: edge, Path: "/api/v1/auth/api-keys", Token: (string?)adminToken,
                    Json: $"{{\"name\":\"probe\",\"tenant_id\":\"acme\",\"scopes\":[\"agents.read\"],\"{field}\":{HostileInput.JsonString(text)}}}")),
            Gen.Select(HostileInput.AnyText, Gen.OneOf(Gen.Const("grant_type"), Gen.Const("client_id"), Gen.Const("username"), Gen.Const("scope")))
                .Select((text, field) => (Client: tokenClient, Path: "/api/v1/auth/token", Token: (string?)null,
                    Json: $"{{\"grant_type\":\"password\",\"client_id\":\"hostile-probe\",\"username\":\"nobody\",\"password\":\"x\",\"{field}\":{HostileInput.JsonString(text)}}}")));

        await bodies.SampleAsync(async body =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, body.Path) { Content = new StringContent(body.Json, Encoding.UTF8, "application/json") };
            Authorize(request, body.Token);
            using var response = await body.Client.SendAsync(request, TestContext.Current.CancellationToken);
            if (body.Path.EndsWith("/tasks", StringComparison.Ordinal) && !Answers.IsSuccess(response.StatusCode) || !body.Path.EndsWith("/tasks", StringComparison.Ordinal))
            {
                await Answers.AssertRefusedAsync(response, body.Path + " " + body.Json);
            }
        }, iter: 100, threads: 1);

        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Hostile_form_bodies_of_the_OAuth_endpoints_are_handled()
    {
        using var client = SourceAddressClient.Create(stack.EdgeAddress, TokenProbeSource);
        var endpoints = Gen.OneOf(Gen.Const("/connect/token"), Gen.Const("/api/v1/auth/token"), Gen.Const("/connect/introspect"), Gen.Const("/connect/revoke"));
        var fields = Gen.OneOf(Gen.Const("grant_type"), Gen.Const("client_id"), Gen.Const("client_secret"), Gen.Const("token"), Gen.Const("username"), Gen.Const("scope"));

        await Gen.Select(endpoints, fields, UrlText).SampleAsync(async (path, field, text) =>
        {
            var form = $"grant_type=password&client_id=hostile-probe&username=nobody&password=x&token=x&{field}={text}";
            using var content = new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded");
            using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content, TestContext.Current.CancellationToken);
            await Answers.AssertRefusedAsync(response, path + " " + form);
        }, iter: 40, threads: 1);

        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Hostile_WebSocket_messages_through_the_Edge_get_an_error_and_the_session_lives_on()
    {
        await using var socket = await AgentSocket.ConnectAsync(stack.EdgeAddress, "agent-1", serviceToken);
        var unreadable = HostileInput.Text.Where(text => text.Contains('\0') || text.Any(char.IsSurrogate));
        var messages = Gen.OneOf(
            Gen.Select(unreadable, Gen.OneOf(Gen.Const("type"), Gen.Const("request_id")))
                .Select((text, field) => (Bytes: Encoding.UTF8.GetBytes($"{{\"type\":\"subscribe\",\"data\":{{\"events\":[]}},\"{field}\":{HostileInput.JsonString(text)}}}"), Type: WebSocketMessageType.Text)),
            HostileInput.Text.Select(text => (Bytes: Encoding.UTF8.GetBytes($"{{\"type\":\"subscribe\",\"data\":{{\"events\":[{HostileInput.JsonString(text)}]}}}}"), Type: WebSocketMessageType.Text)),
            HostileInput.OddJson.Select(Encoding.UTF8.GetBytes).Where(bytes => bytes.Length <= 4096).Select(bytes => (Bytes: bytes, Type: WebSocketMessageType.Text)),
            HostileInput.InvalidUtf8.Select(bytes => (Bytes: bytes, Type: WebSocketMessageType.Binary)));

        await messages.SampleAsync(async message =>
        {
            await socket.SendBytesAsync(message.Bytes, message.Type);
            var answer = await socket.ReceiveAsync();
            Assert.True(answer.Type == "error", $"no error frame for {Convert.ToHexString(message.Bytes)}: {answer.Message?.ToString() ?? answer.CloseStatus?.ToString()}");
        }, iter: 60, threads: 1);

        await socket.SubscribeAsync(AgentEventTypes.TaskCompleted);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await socket.CloseAndAwaitAnswerAsync());
    }

    private static void Authorize(HttpRequestMessage request, string? token)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>An ordinary health check and task creation still work: nothing hostile broke a service.</summary>
    private async Task AssertStillServesAsync()
    {
        using var health = await edge.GetAsync(new Uri("/api/v1/health", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agents/agent-1/tasks")
        {
            Content = new StringContent("""{"task_type":"analyze","input_data":{"text":"still here"}}""", Encoding.UTF8, "application/json"),
        };
        Authorize(request, serviceToken);
        using var created = await edge.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }
}
