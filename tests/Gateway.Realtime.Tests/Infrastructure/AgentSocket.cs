using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AgentCore.Gateway.Realtime.Tests.Infrastructure;

/// <summary>What a client read from its WebSocket: a JSON message, or the server's close.</summary>
internal sealed record Received(JsonElement? Message, WebSocketCloseStatus? CloseStatus, string? CloseReason)
{
    public string? Type => Message?.GetProperty("type").GetString();
}

/// <summary>A real <see cref="ClientWebSocket"/> on <c>/ws/agents/{agent_id}</c>, speaking the JSON message protocol.</summary>
internal sealed class AgentSocket : IAsyncDisposable
{
    private static readonly TimeSpan DefaultReceiveTimeout = TimeSpan.FromSeconds(30);
    private readonly ClientWebSocket socket;

    private AgentSocket(ClientWebSocket socket)
    {
        this.socket = socket;
    }

    public WebSocketState State => socket.State;

    /// <summary>The socket's address on the server at <paramref name="baseAddress"/> (Realtime itself, or the Edge).</summary>
    public static Uri Address(Uri baseAddress, string agentId, string? accessToken = null) =>
        new($"ws://{baseAddress.Authority}/ws/agents/{agentId}" + (accessToken is null ? string.Empty : $"?access_token={accessToken}"));

    public static async Task<AgentSocket> ConnectAsync(Uri baseAddress, string agentId, string token, bool tokenInQuery = false)
    {
        var socket = new ClientWebSocket();
        if (!tokenInQuery)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        await socket.ConnectAsync(Address(baseAddress, agentId, tokenInQuery ? token : null), TestContext.Current.CancellationToken);
        return new AgentSocket(socket);
    }

    /// <summary>A WebSocket handshake over HttpClient, to read the HTTP refusal (status and envelope) a client would get.</summary>
    public static async Task<HttpResponseMessage> HandshakeAsync(Uri baseAddress, string agentId, string? bearer, string? queryToken = null, string? origin = null)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var request = HandshakeRequest(agentId, bearer, queryToken);

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The HTTP/1.1 upgrade request of a WebSocket handshake on <c>/ws/agents/{agent_id}</c>.</summary>
    public static HttpRequestMessage HandshakeRequest(string agentId, string? bearer, string? queryToken = null)
    {
        var path = $"/ws/agents/{agentId}" + (queryToken is null ? string.Empty : $"?access_token={queryToken}");
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    public Task SendTextAsync(string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);

    /// <summary>Sends bytes as one message, exactly as given: invalid UTF-8 in a text message stays invalid.</summary>
    public Task SendBytesAsync(byte[] message, WebSocketMessageType type = WebSocketMessageType.Text) =>
        socket.SendAsync(message, type, true, TestContext.Current.CancellationToken);

    /// <summary>Closes from the client's side and returns the status of the close frame the server answers with.</summary>
    public async Task<WebSocketCloseStatus?> CloseAndAwaitAnswerAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "client done", timeout.Token);
        return socket.CloseStatus;
    }

    public Task SendAsync(string type, object? data = null, string? requestId = null) =>
        SendTextAsync(JsonSerializer.Serialize(new { type, timestamp = DateTimeOffset.UtcNow, data = data ?? new { }, request_id = requestId }));

    /// <summary>Subscribes and returns the server's acknowledgement, which must carry the same request id.</summary>
    public Task<JsonElement> SubscribeAsync(params string[] eventTypes) => AcknowledgedAsync(new { events = eventTypes });

    /// <summary>
    /// Subscribes with the resume id <paramref name="lastEventId"/> (the last event received, on any connection) and
    /// returns the acknowledgement; what the client missed follows it.
    /// </summary>
    public Task<JsonElement> ResumeAsync(string lastEventId, params string[] eventTypes) =>
        AcknowledgedAsync(new { events = eventTypes, last_event_id = lastEventId });

    private async Task<JsonElement> AcknowledgedAsync(object subscribe)
    {
        var requestId = Guid.NewGuid().ToString();
        await SendAsync("subscribe", subscribe, requestId);
        var ack = await ReceiveAsync();
        Assert.Equal("ack", ack.Type);
        Assert.Equal(requestId, ack.Message!.Value.GetProperty("request_id").GetString());
        return ack.Message.Value;
    }

    /// <summary>The next message or the close, failing after <paramref name="timeout"/> (default 30 s) without either.</summary>
    public async Task<Received> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout ?? DefaultReceiveTimeout);
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, deadline.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return new Received(null, result.CloseStatus, result.CloseStatusDescription);
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return new Received(JsonDocument.Parse(message.ToArray()).RootElement.Clone(), null, null);
            }
        }
    }

    /// <summary>Reads until the server closes, returning the close and how many events arrived before it.</summary>
    public async Task<(Received Close, int Events)> ReadUntilClosedAsync()
    {
        var events = 0;
        while (true)
        {
            var received = await ReceiveAsync();
            if (received.CloseStatus is not null)
            {
                return (received, events);
            }

            events += received.Type == "event" ? 1 : 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "test done", timeout.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
                // The server may already have dropped the connection; the test is over either way.
            }
        }

        socket.Dispose();
    }
}
