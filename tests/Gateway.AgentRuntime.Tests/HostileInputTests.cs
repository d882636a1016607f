using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;
using CsCheck;

namespace AgentCore.Samples.AgentRuntime.Tests;

/// <summary>
/// Generated hostile task requests: lone surrogates, NUL and control characters in every field (PostgreSQL stores
/// <c>task_type</c> as text and <c>input_data</c> as jsonb, and refuses NUL in both), overlong values, invalid UTF-8 and odd
/// JSON shapes. None is a 500, each error has the envelope, and the runtime still creates tasks afterwards.
/// </summary>
public sealed class HostileInputTests(AgentRuntimeFixture runtime) : IClassFixture<AgentRuntimeFixture>
{
    /// <summary>A body with hostile text in one place, and whether it must be refused wherever it is (a NUL or lone surrogate).</summary>
    private static readonly Gen<(string Body, bool MustBeRefused)> HostileBodies = Gen.OneOf(
        Place(text => $"{{\"task_type\":{text},\"input_data\":{{}}}}", nameField: true),
        Place(text => $"{{\"task_type\":\"analyze\",\"input_data\":{{\"text\":{text}}}}}", nameField: false),
        Place(text => $"{{\"task_type\":\"analyze\",\"input_data\":{{{text}:1}}}}", nameField: false),
        Place(text => $"{{\"task_type\":\"analyze\",\"input_data\":{{}},\"priority\":{text}}}", nameField: true),
        HostileInput.OddJson.Select(json => (json, true)));

    /// <summary>
    /// Text in a name field (task type, priority) must be refused whenever it is hostile; inside <c>input_data</c> only
    /// a NUL or a lone surrogate must be, since other control characters and long strings are fine in a JSON document.
    /// </summary>
    private static Gen<(string Body, bool MustBeRefused)> Place(Func<string, string> body, bool nameField) =>
        HostileInput.AnyText.Select(text => (body(HostileInput.JsonString(text)), nameField || text.Contains('\0') || text.Any(char.IsSurrogate)));

    [Fact]
    public async Task Hostile_task_requests_get_400_or_422_with_the_envelope_and_tasks_are_still_created()
    {
        using var client = runtime.CreateClient();

        await HostileBodies.SampleAsync(async (body, mustBeRefused) =>
        {
            using var response = await TaskApiTests.PostAsync(client, "agent-1", body);
            if (mustBeRefused || !response.IsSuccessStatusCode)
            {
                await AssertRefusedAsync(response, body);
            }
        }, iter: 120, threads: 1);

        await HostileInput.InvalidUtf8.SampleAsync(async bytes =>
        {
            using var content = new ByteArrayContent([.. "{\"task_type\":\""u8, .. bytes, .. "\",\"input_data\":{}}"u8]);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync(new Uri("/api/v1/agents/agent-1/tasks", UriKind.Relative), content, TestContext.Current.CancellationToken);
            await AssertRefusedAsync(response, Convert.ToHexString(bytes));
        }, iter: 20, threads: 1);

        using var created = await TaskApiTests.PostAsync(client, "agent-1", """{"task_type":"analyze","input_data":{"text":"still here"}}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    /// <remarks>An encoded NUL in the path never gets here: Kestrel refuses it itself, with a bare 400.</remarks>
    [Fact]
    public async Task Hostile_agent_ids_in_the_path_are_never_a_500()
    {
        using var client = runtime.CreateClient();

        await Gen.OneOf(HostileInput.ControlText.Select(text => text.Replace('\0', '\u0001')), HostileInput.Overlong.Select(text => text[..Math.Min(text.Length, 2_000)])).SampleAsync(async agentId =>
        {
            using var response = await client.GetAsync(new Uri($"/api/v1/agents/{HostileInput.QueryEscape(agentId)}/tasks/{Guid.NewGuid()}", UriKind.Relative), TestContext.Current.CancellationToken);
            await AssertRefusedAsync(response, HostileInput.JsonString(agentId), HttpStatusCode.BadRequest, HttpStatusCode.NotFound);
        }, iter: 60, threads: 1);
    }

    [Fact]
    public async Task The_seeded_agents_are_registered_in_the_agent_directory_with_their_tenants()
    {
        var directory = runtime.RedisClient.GetDatabase();
        for (var attempt = 0; attempt < 100 && !await directory.HashExistsAsync(AgentDirectory.TenantsKey, "agent-9"); attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Equal("acme", (string?)await directory.HashGetAsync(AgentDirectory.TenantsKey, "agent-1"));
        Assert.Equal("acme", (string?)await directory.HashGetAsync(AgentDirectory.TenantsKey, "agent-2"));
        Assert.Equal("globex", (string?)await directory.HashGetAsync(AgentDirectory.TenantsKey, "agent-9"));
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string sent, params HttpStatusCode[] expected)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        HttpStatusCode[] allowed = expected.Length > 0 ? expected : [HttpStatusCode.BadRequest, HttpStatusCode.UnprocessableEntity];
        Assert.True(allowed.Contains(response.StatusCode), $"{(int)response.StatusCode} {body} for {sent}");
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("code").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("request_id").GetString()));
    }
}
