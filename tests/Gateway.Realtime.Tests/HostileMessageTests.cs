using System.Net.WebSockets;
using System.Text;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;
using AgentCore.Gateway.TestSupport;
using CsCheck;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace AgentCore.Gateway.Realtime.Tests;

/// <summary>
/// Generated hostile WebSocket messages: every one is answered with an <c>error</c>, the connection lives on (a
/// subscribe is still acknowledged), and a close from the client is still answered. The one exception is a text frame
/// that is not UTF-8: RFC 6455 (8.1) requires failing the connection, and .NET's WebSocket does so itself (close 1007,
/// then it aborts the connection, so the client may see the close or only the connection ending).
/// </summary>
[Collection(RealtimeGroup.Name)]
public sealed class HostileMessageTests(RealtimeFixture fixture)
{
    /// <summary>Messages whose every part is hostile somewhere: strings with lone surrogates or NUL, in any field.</summary>
    private static readonly Gen<byte[]> HostileStrings = Gen.Select(
        HostileInput.Text.Where(text => text.Contains('\0') || text.Any(char.IsSurrogate)),
        Gen.OneOf(Gen.Const("type"), Gen.Const("request_id"), Gen.Const("events"), Gen.Const("name")),
        (text, field) => Encoding.UTF8.GetBytes(field switch
        {
            "events" => $"{{\"type\":\"subscribe\",\"data\":{{\"events\":[{HostileInput.JsonString(text)}]}}}}",
            "name" => $"{{\"type\":\"subscribe\",{HostileInput.JsonString(text)}:1}}",
            _ => $"{{\"type\":\"subscribe\",\"data\":{{\"events\":[]}},\"{field}\":{HostileInput.JsonString(text)}}}",
        }));

    private static readonly Gen<byte[]> InvalidUtf8 = HostileInput.InvalidUtf8.Select(bytes => (byte[])[.. "{\"type\":\"heartbeat\",\"request_id\":\""u8, .. bytes, .. "\"}"u8]);

    /// <summary>Odd JSON within the 4 KiB message limit (a bigger message is closed with 1009, by design).</summary>
    private static readonly Gen<byte[]> OddShapes = HostileInput.OddJson.Select(Encoding.UTF8.GetBytes).Where(message => message.Length <= 4096);

    private static readonly Gen<(byte[] Message, WebSocketMessageType Type)> HostileMessages = Gen.OneOf(
        HostileStrings.Select(message => (message, WebSocketMessageType.Text)),
        OddShapes.Select(message => (message, WebSocketMessageType.Text)),
        InvalidUtf8.Select(message => (message, WebSocketMessageType.Binary)));

    [Fact]
    public async Task Every_hostile_message_gets_an_error_and_the_connection_lives_on_and_answers_a_close()
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        await using var socket = await AgentSocket.ConnectAsync(server.BaseAddress, agent, fixture.Tokens.CreateToken(tenant));

        await HostileMessages.SampleAsync(async (message, type) =>
        {
            await socket.SendBytesAsync(message, type);
            var answer = await socket.ReceiveAsync();
            Assert.True(answer.Type == "error", $"Expected an error frame for {Convert.ToHexString(message)}, got {answer.Message?.ToString() ?? answer.CloseStatus.ToString()}");
            Assert.Equal(ErrorCodes.InvalidRequest, answer.Message!.Value.GetProperty("data").GetProperty("code").GetString());
        }, iter: 150, threads: 1);

        await socket.SubscribeAsync(AgentEventTypes.TaskCompleted);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await socket.CloseAndAwaitAnswerAsync());
    }

    [Fact]
    public async Task Hostile_hub_arguments_get_a_hub_error_and_the_connection_lives_on()
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        await using var connection = server.ConnectHub(fixture.Tokens.CreateToken(tenant));
        await connection.StartAsync(TestContext.Current.CancellationToken);
        var hostile = Gen.OneOf(HostileInput.ControlText, HostileInput.Overlong);

        await Gen.Select(hostile, Gen.Bool).SampleAsync(async (text, asAgent) =>
        {
            string[] types = asAgent ? [AgentEventTypes.TaskCompleted] : [text];
            await Assert.ThrowsAsync<HubException>(() =>
                connection.InvokeAsync<string[]>("Subscribe", asAgent ? text : agent, types, TestContext.Current.CancellationToken));
        }, iter: 40, threads: 1);

        Assert.Equal([AgentEventTypes.TaskCompleted], await connection.InvokeAsync<string[]>("Subscribe", agent, new[] { AgentEventTypes.TaskCompleted }, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_text_frame_that_is_not_UTF8_fails_that_connection_only_and_the_service_takes_new_ones()
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        var token = fixture.Tokens.CreateToken(tenant);

        await InvalidUtf8.SampleAsync(async message =>
        {
            await using var socket = await AgentSocket.ConnectAsync(server.BaseAddress, agent, token);
            await socket.SendBytesAsync(message);
            try
            {
                Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, (await socket.ReceiveAsync()).CloseStatus);
            }
            catch (WebSocketException)
            {
                // The abort that follows the close frame overtook it.
            }
        }, iter: 5, threads: 1);

        await using var fresh = await AgentSocket.ConnectAsync(server.BaseAddress, agent, token);
        await fresh.SubscribeAsync(AgentEventTypes.TaskCompleted);
    }
}
