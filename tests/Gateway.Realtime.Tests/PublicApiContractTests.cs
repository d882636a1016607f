using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;
using AgentCore.Gateway.TestSupport.OpenApi;

namespace AgentCore.Gateway.Realtime.Tests;

/// <summary>
/// Holds <c>GET /api/v1/events/stream</c> against the OpenAPI document the Edge publishes: every event's name and data,
/// the documented query parameters and headers, and the refusals.
/// </summary>
[Collection(RealtimeGroup.Name)]
public sealed class PublicApiContractTests(RealtimeFixture fixture)
{
    private const string Stream = "/api/v1/events/stream";
    private static readonly PublicApiContract Contract = PublicApiContract.Document;

    [Fact]
    public async Task The_snapshot_the_Edge_composes_from_is_the_document_the_service_serves()
    {
        await using var server = fixture.StartRealtime();
        using var client = server.CreateHttpClient();
        await PublicApiSnapshot.AssertCurrentAsync(client, "realtime", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Every_event_including_the_gap_event_has_a_documented_name_and_data()
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        var schemas = Contract.EventSchemas("get", Stream);
        var lastEventId = Contract.Parameters("get", Stream, "header")["Last-Event-ID"]["schema"]!.AsObject();
        var trimmed = await fixture.PublishAsync(tenant, agent);
        string[] kept = [.. await Task.WhenAll(AgentEventTypes.All.Select(type => fixture.PublishAsync(tenant, agent, type)))];
        await fixture.Redis.GetDatabase().ExecuteAsync("XTRIM", StreamNames.AgentEvents, "MINID", kept.Min(StringComparer.Ordinal)!);

        await using var stream = await SseStream.OpenAsync(server.BaseAddress, $"?agent_id={agent}", fixture.Tokens.CreateToken(tenant), trimmed);

        Assert.Contains("text/event-stream", Contract.Operation("get", Stream)["responses"]!["200"]!["content"]!.AsObject().Select(media => media.Key));
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        var seen = new List<string>();
        for (var count = 0; count < kept.Length + 1; count++)
        {
            var message = await stream.ReadEventAsync();
            Assert.True(schemas.TryGetValue(message.Event!, out var schema), $"the event name '{message.Event}' is not documented");
            using var data = JsonDocument.Parse(message.Data!);
            PublicApiContractException.ThrowIfAny(Contract.Violations(data.RootElement, schema, $"event {message.Event} data"));
            if (message.Id is not null)
            {
                PublicApiContractException.ThrowIfAny(Contract.Violations(JsonSerializer.SerializeToElement(message.Id), lastEventId, "event id as Last-Event-ID"));
            }

            seen.Add(message.Event!);
        }

        Assert.Equal(["gap", .. AgentEventTypes.All.Order(StringComparer.Ordinal)], [seen[0], .. seen.Skip(1).Order(StringComparer.Ordinal)]);
    }

    [Fact]
    public async Task Every_documented_query_parameter_narrows_the_stream()
    {
        await using var server = fixture.StartRealtime();
        var tenant = Ids.Tenant();
        var (wanted, other) = (await fixture.NewAgentAsync(tenant), Ids.Agent());
        var narrowing = new Dictionary<string, (string Value, Func<Task<string>> Unwanted, Func<Task<string>> Wanted)>
        {
            ["agent_id"] = (wanted, () => fixture.PublishAsync(tenant, other), () => fixture.PublishAsync(tenant, wanted)),
            ["types"] = ($"{AgentEventTypes.SystemAlert},{AgentEventTypes.WorkflowStarted}",
                () => fixture.PublishAsync(tenant, wanted, AgentEventTypes.TaskCompleted), () => fixture.PublishAsync(tenant, wanted, AgentEventTypes.WorkflowStarted)),
        };
        PublicApiContract.AssertSameNames($"GET {Stream} query", Contract.Parameters("get", Stream, "query").Keys, narrowing.Keys);

        foreach (var (name, (value, unwanted, wantedEvent)) in narrowing)
        {
            await using var stream = await SseStream.OpenAsync(server.BaseAddress, $"?{name}={Uri.EscapeDataString(value)}", fixture.Tokens.CreateToken(tenant));
            await unwanted();
            var expected = await wantedEvent();
            Assert.True((await stream.ReadEventAsync()).Id == expected, $"{name} did not narrow the stream");
        }
    }

    [Fact]
    public async Task Refusals_are_the_documented_ones()
    {
        await using var server = fixture.StartRealtime();
        using var client = server.CreateHttpClient();
        var tenant = Ids.Tenant();
        var (_, foreignAgent) = await fixture.NewAgentAsync();

        await MatchesAsync(await SseStream.RequestAsync(client, "?types=task.exploded", fixture.Tokens.CreateToken(tenant)), HttpStatusCode.BadRequest);
        await MatchesAsync(await SseStream.RequestAsync(client, string.Empty, fixture.Tokens.CreateToken(tenant), "yesterday"), HttpStatusCode.BadRequest);
        await MatchesAsync(await SseStream.RequestAsync(client, string.Empty, token: null), HttpStatusCode.Unauthorized);
        await MatchesAsync(await SseStream.RequestAsync(client, string.Empty, fixture.Tokens.CreateToken(tenant, GatewayScopes.AgentsRead)), HttpStatusCode.Forbidden);
        await MatchesAsync(await SseStream.RequestAsync(client, $"?agent_id={foreignAgent}", fixture.Tokens.CreateToken(tenant)), HttpStatusCode.NotFound);
    }

    private static async Task MatchesAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            await Contract.AssertMatchesAsync("get", Stream, response, TestContext.Current.CancellationToken);
            Assert.Equal(expected, response.StatusCode);
        }
    }
}
