using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace AgentCore.Gateway.Realtime.Tests;

[Collection(RealtimeGroup.Name)]
public sealed class ServerSentEventsTests(RealtimeFixture fixture)
{
    [Fact]
    public async Task Stream_opens_with_retry_and_sends_filtered_events_with_event_id_and_json_data()
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        await using var stream = await SseStream.OpenAsync(server.BaseAddress, $"?agent_id={agent}&types={AgentEventTypes.TaskCompleted}", fixture.Tokens.CreateToken(tenant));
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        Assert.True(stream.Response.Headers.CacheControl?.NoCache);

        await fixture.PublishAsync(tenant, agent, AgentEventTypes.AgentStatusChanged);
        await fixture.PublishAsync(Ids.Tenant(), agent, AgentEventTypes.TaskCompleted);
        var expected = await fixture.PublishAsync(tenant, agent, AgentEventTypes.TaskCompleted, new { task_id = "t-9" });

        var message = await stream.ReadEventAsync();
        Assert.Equal(AgentEventTypes.TaskCompleted, message.Event);
        Assert.Equal(expected, message.Id);
        var data = JsonDocument.Parse(message.Data!).RootElement;
        Assert.Equal(agent, data.GetProperty("agent_id").GetString());
        Assert.Equal("t-9", data.GetProperty("data").GetProperty("task_id").GetString());
    }

    [Fact]
    public async Task Reconnect_with_Last_Event_ID_replays_exactly_the_missed_events_then_goes_live()
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        var token = fixture.Tokens.CreateToken(tenant);
        string lastSeen;
        await using (var first = await SseStream.OpenAsync(server.BaseAddress, $"?agent_id={agent}", token))
        {
            var seen = await fixture.PublishAsync(tenant, agent);
            lastSeen = (await first.ReadEventAsync()).Id!;
            Assert.Equal(seen, lastSeen);
        }

        string[] missed = [await fixture.PublishAsync(tenant, agent), await fixture.PublishAsync(tenant, agent, AgentEventTypes.AgentStatusChanged), await fixture.PublishAsync(tenant, agent)];
        await fixture.PublishAsync(Ids.Tenant(), agent);

        await using var second = await SseStream.OpenAsync(server.BaseAddress, $"?agent_id={agent}", token, lastSeen);
        var live = await fixture.PublishAsync(tenant, agent);
        string[] received = [(await second.ReadEventAsync()).Id!, (await second.ReadEventAsync()).Id!, (await second.ReadEventAsync()).Id!, (await second.ReadEventAsync()).Id!];
        Assert.Equal([.. missed, live], received);
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("12-x")]
    [InlineData("99999999999999-0")]
    public async Task Last_Event_ID_that_is_malformed_or_ahead_of_the_stream_gets_400(string lastEventId)
    {
        await using var server = fixture.StartRealtime();
        using var client = server.CreateHttpClient();

        using var response = await SseStream.RequestAsync(client, string.Empty, fixture.Tokens.CreateToken(Ids.Tenant()), lastEventId);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var envelope = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(ErrorCodes.InvalidRequest, envelope.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Last_Event_ID_older_than_retention_gets_a_gap_event_then_what_is_left()
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        var trimmed = await fixture.PublishAsync(tenant, agent);
        await fixture.PublishAsync(tenant, agent);
        var kept = await fixture.PublishAsync(tenant, agent);

        // Retention at work: everything before the last event goes.
        await fixture.Redis.GetDatabase().ExecuteAsync("XTRIM", StreamNames.AgentEvents, "MINID", kept);
        await using var stream = await SseStream.OpenAsync(server.BaseAddress, $"?agent_id={agent}", fixture.Tokens.CreateToken(tenant), trimmed);

        var gap = await stream.ReadEventAsync();
        Assert.Equal("gap", gap.Event);
        Assert.Null(gap.Id);
        Assert.Equal(kept, JsonDocument.Parse(gap.Data!).RootElement.GetProperty("oldest_available_id").GetString());
        Assert.Equal(kept, (await stream.ReadEventAsync()).Id);
    }

    [Fact]
    public async Task A_replay_longer_than_the_count_bound_gets_a_gap_and_only_the_newest_events()
    {
        await using var server = fixture.StartRealtime(new Dictionary<string, string?> { ["Realtime:EventStream:MaxReplayEvents"] = "3" });
        var (tenant, agent) = await fixture.NewAgentAsync();
        var lastSeen = await fixture.PublishAsync(tenant, agent);
        string[] published = [.. await Sequentially(6, () => fixture.PublishAsync(tenant, agent))];

        // Even a forged 0-0, which asks for the whole stream, is bounded the same way.
        foreach (var from in new[] { lastSeen, "0-0" })
        {
            await using var stream = await SseStream.OpenAsync(server.BaseAddress, $"?agent_id={agent}", fixture.Tokens.CreateToken(tenant), from);

            var gap = JsonDocument.Parse((await stream.ReadEventAsync()).Data!).RootElement;
            Assert.Equal("replay_count_limit", gap.GetProperty("reason").GetString());
            Assert.Equal(published[2], gap.GetProperty("replay_after_id").GetString());
            string[] replayed = [(await stream.ReadEventAsync()).Id!, (await stream.ReadEventAsync()).Id!, (await stream.ReadEventAsync()).Id!];
            Assert.Equal(published[3..], replayed);
        }
    }

    [Fact]
    public async Task A_last_event_older_than_the_age_bound_gets_a_gap_and_no_older_events()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(2));
        await using var server = fixture.StartRealtime(new Dictionary<string, string?> { ["Realtime:EventStream:MaxReplayAge"] = "01:00:00" }, time);
        var (tenant, agent) = await fixture.NewAgentAsync();
        var lastSeen = await fixture.PublishAsync(tenant, agent);
        await fixture.PublishAsync(tenant, agent);

        // The service's clock runs two hours ahead, so the token must outlive that clock.
        var token = fixture.Tokens.CreateToken(tenant, expires: time.GetUtcNow().AddHours(1));
        await using var stream = await SseStream.OpenAsync(server.BaseAddress, $"?agent_id={agent}", token, lastSeen);
        var gap = await stream.ReadEventAsync();
        var live = await fixture.PublishAsync(tenant, agent);

        Assert.Equal("replay_age_limit", JsonDocument.Parse(gap.Data!).RootElement.GetProperty("reason").GetString());
        Assert.Equal(live, (await stream.ReadEventAsync()).Id);
    }

    [Fact]
    public async Task Stream_without_a_token_is_refused_with_401()
    {
        await using var server = fixture.StartRealtime();
        using var client = server.CreateHttpClient();

        using var response = await SseStream.RequestAsync(client, string.Empty, token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Stream_for_an_agent_of_another_tenant_or_an_unknown_one_is_refused_with_404()
    {
        await using var server = fixture.StartRealtime();
        var (_, foreign) = await fixture.NewAgentAsync();
        using var client = server.CreateHttpClient();

        foreach (var agent in new[] { foreign, Ids.Agent() })
        {
            using var response = await SseStream.RequestAsync(client, $"?agent_id={agent}", fixture.Tokens.CreateToken(Ids.Tenant()));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task Unknown_event_type_filter_is_refused_with_400()
    {
        await using var server = fixture.StartRealtime();
        using var client = server.CreateHttpClient();

        using var response = await SseStream.RequestAsync(client, "?types=task.exploded", fixture.Tokens.CreateToken(Ids.Tenant()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Idle_stream_sends_comment_heartbeats()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = fixture.StartRealtime(new Dictionary<string, string?> { ["Realtime:ServerSentEvents:HeartbeatInterval"] = "00:00:15" }, time);
        var (tenant, agent) = await fixture.NewAgentAsync();
        await using var stream = await SseStream.OpenAsync(server.BaseAddress, $"?agent_id={agent}", fixture.Tokens.CreateToken(tenant));

        // The opening block is written after the heartbeat clock starts, so advancing now reaches it.
        time.Advance(TimeSpan.FromSeconds(15));

        var heartbeat = await stream.ReadAsync();
        Assert.Equal("heartbeat", heartbeat.Comment);
        Assert.Null(heartbeat.Event);
    }

    private static async Task<List<string>> Sequentially(int count, Func<Task<string>> publish)
    {
        var ids = new List<string>();
        for (var index = 0; index < count; index++)
        {
            ids.Add(await publish());
        }

        return ids;
    }
}
