using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.EndToEnd.Tests;
using AgentCore.Gateway.Resilience.Tests.Stack;

namespace AgentCore.Gateway.Resilience.Tests.Load;

/// <summary>One answer the load got: when, what status, what error code, whether it said when to retry.</summary>
public sealed record Attempt(DateTimeOffset At, HttpStatusCode? Status, string? ErrorCode, bool RetryAfter, string RequestId, string? TaskId)
{
    /// <summary>503 with the envelope's <c>SERVICE_UNAVAILABLE</c>: the refusal a client may retry later.</summary>
    public bool IsUnavailable => Status == HttpStatusCode.ServiceUnavailable && ErrorCode == ErrorCodes.ServiceUnavailable;

    /// <summary>The Edge's <c>RateLimit</c> header on a refusal, which names the limit that refused.</summary>
    public string? Limit { get; init; }
}

/// <summary>
/// Steady, bounded load on the public endpoint while a fault happens: tasks created for one agent at a fixed pace,
/// token requests at a fixed pace, and event-stream and WebSocket subscribers following that agent's completed tasks.
/// Every answer is kept, with its time, for the fault's checks.
/// </summary>
internal sealed class SteadyLoad : IAsyncDisposable
{
    public const string Agent = "agent-1";
    private const string Scopes = GatewayScopes.AgentsWrite + " " + GatewayScopes.AgentsRead + " " + GatewayScopes.EventsRead;

    private static readonly TimeSpan ConnectLimit = TimeSpan.FromMinutes(2);

    private readonly HttpClient client;
    private readonly string token;
    private readonly List<EventSubscriber> subscribers;
    private readonly ConcurrentQueue<Attempt> tasks = new();
    private readonly ConcurrentQueue<Attempt> tokens = new();
    private readonly ConcurrentBag<Task> inFlight = [];
    private readonly CancellationTokenSource stop = new();
    private readonly string run = Guid.NewGuid().ToString("N");
    private Task? creating;
    private Task? requestingTokens;
    private int sequence;

    private SteadyLoad(HttpClient client, string token, List<EventSubscriber> subscribers)
    {
        this.client = client;
        this.token = token;
        this.subscribers = subscribers;
    }

    /// <summary>This load's mark on every task it creates (<c>input_data.run</c>), to find them in the database.</summary>
    public string Run => run;

    /// <summary>The access token the load uses, issued before any fault.</summary>
    public string Token => token;

    public IReadOnlyList<EventSubscriber> Subscribers => subscribers;

    public IReadOnlyCollection<Attempt> Tasks => tasks;

    public IReadOnlyCollection<Attempt> Tokens => tokens;

    /// <summary>The ids of the tasks created (201) so far.</summary>
    public IReadOnlyList<string> CreatedTaskIds => [.. tasks.Where(attempt => attempt.TaskId is not null).Select(attempt => attempt.TaskId!)];

    /// <summary>Connects the subscribers, waits until each is connected, then starts creating tasks and requesting tokens.</summary>
    public static async Task<SteadyLoad> StartAsync(ResilienceStackFixture stack, ResilienceProfile profile)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, PooledConnectionLifetime = TimeSpan.FromSeconds(15) })
        {
            BaseAddress = stack.EdgeAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var token = await StackCredentials.GetServiceTokenAsync(client, Scopes);
        var subscribers = new List<EventSubscriber>();
        for (var index = 0; index < profile.ServerSentEventSubscribers; index++)
        {
            subscribers.Add(new ServerSentEventSubscriber($"sse-{index + 1}", stack.EdgeAddress, Agent, token));
        }

        for (var index = 0; index < profile.WebSocketSubscribers; index++)
        {
            subscribers.Add(new WebSocketSubscriber($"ws-{index + 1}", stack.EdgeAddress, Agent, token));
        }

        var load = new SteadyLoad(client, token, subscribers);
        foreach (var subscriber in subscribers)
        {
            subscriber.Start();
        }

        await Task.WhenAll(subscribers.Select(subscriber => subscriber.Connected)).WaitAsync(ConnectLimit, TestContext.Current.CancellationToken);
        load.creating = Task.Run(() => load.EveryAsync(profile.TaskInterval, load.CreateTaskAsync));
        load.requestingTokens = Task.Run(() => load.EveryAsync(profile.TokenInterval, load.RequestTokenAsync));
        return load;
    }

    /// <summary>Stops creating tasks and requesting tokens, and waits for the answers still on their way.</summary>
    public async Task StopSendingAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(creating ?? Task.CompletedTask, requestingTokens ?? Task.CompletedTask);
        await Task.WhenAll(inFlight);
    }

    /// <summary>
    /// Waits until every subscriber has received every created task's completion, or <paramref name="limit"/> passes;
    /// returns how long that took.
    /// </summary>
    public async Task<TimeSpan> AwaitDeliveryAsync(TimeSpan limit)
    {
        var started = DateTimeOffset.UtcNow;
        var created = CreatedTaskIds;
        while (subscribers.Any(subscriber => subscriber.Received(created) < created.Count) && DateTimeOffset.UtcNow - started < limit)
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        return DateTimeOffset.UtcNow - started;
    }

    /// <summary>Creates one more task now and returns the answer (for probing whether creation works again).</summary>
    public Task<Attempt> CreateTaskNowAsync() => CreateTaskAsync();

    public async ValueTask DisposeAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await StopSendingAsync();
        }

        await Task.WhenAll(subscribers.Select(subscriber => subscriber.DisposeAsync().AsTask()));
        client.Dispose();
        stop.Dispose();
    }

    private async Task EveryAsync(TimeSpan interval, Func<Task<Attempt>> send)
    {
        while (!stop.IsCancellationRequested)
        {
            inFlight.Add(send());
            try
            {
                await Task.Delay(interval, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<Attempt> CreateTaskAsync()
    {
        var number = Interlocked.Increment(ref sequence);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/agents/{Agent}/tasks")
        {
            Content = JsonContent.Create(new { task_type = "analyze", input_data = new { run, seq = number } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var attempt = await SendAsync(request, created => JsonDocument.Parse(created).RootElement.GetProperty("task_id").GetString());
        tasks.Enqueue(attempt);
        return attempt;
    }

    private async Task<Attempt> RequestTokenAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/token")
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "client_credentials"),
                new("client_id", "agentcore-service"),
                new("client_secret", "dev-service-secret"),
                new("scope", GatewayScopes.AgentsRead),
            ]),
        };
        var attempt = await SendAsync(request, _ => null);
        tokens.Enqueue(attempt);
        return attempt;
    }

    /// <summary>Sends with a request id of its own (the audit trail keeps it) and reads the answer, whatever it is.</summary>
    private async Task<Attempt> SendAsync(HttpRequestMessage request, Func<string, string?> taskIdOfCreated)
    {
        var requestId = Guid.NewGuid().ToString();
        request.Headers.Add(GatewayHeaders.RequestId, requestId);
        var at = DateTimeOffset.UtcNow;
        try
        {
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            string? code = null;
            if (!response.IsSuccessStatusCode)
            {
                try
                {
                    code = JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString();
                }
                catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    code = null;
                }
            }

            var taskId = response.StatusCode == HttpStatusCode.Created ? taskIdOfCreated(body) : null;
            return new Attempt(at, response.StatusCode, code, response.Headers.RetryAfter is not null, requestId, taskId)
            {
                Limit = response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.TryGetValues("RateLimit", out var limit) ? string.Join(", ", limit) : null,
            };
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return new Attempt(at, null, exception.GetType().Name, RetryAfter: false, requestId, null);
        }
    }
}
