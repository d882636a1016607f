using System.Net.Http.Headers;

namespace AgentCore.Gateway.Realtime.Tests.Infrastructure;

/// <summary>One Server-Sent Events block: its fields, or a comment.</summary>
internal sealed record SseMessage(string? Event, string? Id, string? Data, string? Retry, string? Comment);

/// <summary>An SSE reader over HttpClient, as a browser's EventSource reads <c>/api/v1/events/stream</c>.</summary>
internal sealed class SseStream : IAsyncDisposable
{
    private readonly HttpClient client;
    private readonly HttpResponseMessage response;
    private readonly StreamReader reader;

    private SseStream(HttpClient client, HttpResponseMessage response, StreamReader reader)
    {
        this.client = client;
        this.response = response;
        this.reader = reader;
    }

    public HttpResponseMessage Response => response;

    public static async Task<HttpResponseMessage> RequestAsync(HttpClient client, string query, string? token, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events/stream" + query);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
    }

    /// <summary>Opens the stream on the server at <paramref name="baseAddress"/> (Realtime itself, or the Edge) and reads its opening <c>retry</c>.</summary>
    public static async Task<SseStream> OpenAsync(Uri baseAddress, string query, string token, string? lastEventId = null)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var response = await RequestAsync(client, query, token, lastEventId);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var stream = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var sse = new SseStream(client, response, new StreamReader(stream));
        var opening = await sse.ReadAsync();
        Assert.NotNull(opening.Retry);
        return sse;
    }

    /// <summary>The next block, whatever it holds, failing after <paramref name="timeout"/> (default 30 s) without one.</summary>
    public async Task<SseMessage> ReadAsync(TimeSpan? timeout = null)
    {
        using var deadline = Deadline(timeout);
        return await ReadAsync(deadline.Token);
    }

    /// <summary>
    /// The next block that is an event, skipping heartbeat comments; failing after <paramref name="timeout"/> (default
    /// 30 s) without one, however many heartbeats came meanwhile.
    /// </summary>
    public async Task<SseMessage> ReadEventAsync(TimeSpan? timeout = null)
    {
        using var deadline = Deadline(timeout);
        while (true)
        {
            var message = await ReadAsync(deadline.Token);
            if (message.Event is not null)
            {
                return message;
            }
        }
    }

    private static CancellationTokenSource Deadline(TimeSpan? timeout)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        return deadline;
    }

    private async Task<SseMessage> ReadAsync(CancellationToken cancellationToken)
    {
        string? type = null, id = null, data = null, retry = null, comment = null;
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("The event stream ended.");
            if (line.Length == 0)
            {
                if ((type ?? id ?? data ?? retry ?? comment) is not null)
                {
                    return new SseMessage(type, id, data, retry, comment);
                }

                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? string.Empty : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "": comment = value; break;
                case "event": type = value; break;
                case "id": id = value; break;
                case "data": data = data is null ? value : data + "\n" + value; break;
                case "retry": retry = value; break;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        reader.Dispose();
        response.Dispose();
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
