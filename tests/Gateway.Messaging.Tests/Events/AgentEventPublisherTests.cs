using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Messaging.Events;
using AgentCore.Gateway.Messaging.Tests.Infrastructure;
using AgentCore.Gateway.ServiceDefaults.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentCore.Gateway.Messaging.Tests.Events;

/// <summary>The agent-events publisher's exactly-once appends (<c>AddAgentEventPublisher</c>), against a real Redis.</summary>
public sealed class AgentEventPublisherTests(RedisInfrastructure infrastructure) : IClassFixture<RedisInfrastructure>
{
    [Fact]
    public async Task A_batch_is_appended_in_order_and_events_already_appended_keep_their_one_entry()
    {
        await infrastructure.ResetAsync();
        using var producer = StartProducer();
        var publisher = producer.Services.GetRequiredService<IAgentEventPublisher>();
        var events = Enumerable.Range(0, 6).Select(NewEvent).ToList();

        // A relay that crashed after appending the first two, before marking them sent, publishes all six again.
        var earlier = await publisher.PublishOnceAsync(events[..2], TestContext.Current.CancellationToken);
        var ids = await publisher.PublishOnceAsync(events, TestContext.Current.CancellationToken);

        Assert.Equal(earlier, ids.Take(2));
        var entries = await infrastructure.RedisClient.GetDatabase().StreamRangeAsync(StreamNames.AgentEvents);
        Assert.Equal(ids, entries.Select(entry => entry.Id.ToString()));
        Assert.Equal(
            events.Select(e => e.Event.Data.GetProperty("n").GetInt32()),
            entries.Select(entry => JsonDocument.Parse(entry[StreamNames.PayloadField].ToString()).RootElement.GetProperty("data").GetProperty("n").GetInt32()));
    }

    [Fact]
    public async Task Publishing_one_event_twice_appends_it_once_and_answers_the_same_id()
    {
        await infrastructure.ResetAsync();
        using var producer = StartProducer();
        var publisher = producer.Services.GetRequiredService<IAgentEventPublisher>();
        var (agentEvent, eventId) = NewEvent(0);

        var first = await publisher.PublishOnceAsync(agentEvent, eventId, TestContext.Current.CancellationToken);
        var again = await publisher.PublishOnceAsync(agentEvent, eventId, TestContext.Current.CancellationToken);

        Assert.Equal(first, again);
        Assert.Single(await infrastructure.RedisClient.GetDatabase().StreamRangeAsync(StreamNames.AgentEvents));
    }

    private static IdentifiedAgentEvent NewEvent(int n) => new(
        new AgentEvent(AgentEventTypes.TaskCompleted, "agent-1", "tenant-a", DateTimeOffset.UtcNow, JsonSerializer.SerializeToElement(new { n }), $"request-{n}"),
        Guid.CreateVersion7());

    private IHost StartProducer()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = infrastructure.Redis.ConnectionString,
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddGatewayRedis();
        builder.AddAgentEventPublisher();
        return builder.Build();
    }
}
