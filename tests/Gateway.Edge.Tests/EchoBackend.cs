using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Edge.Tests.Mcp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCore.Gateway.Edge.Tests;

/// <summary>
/// A backend on loopback protected by the real Gateway.Authentication trust middleware: it answers only requests the Edge
/// signed, and echoes the caller the Edge vouched for.
/// </summary>
internal sealed class EchoBackend(string trustKey) : IAsyncDisposable
{
    private WebApplication? app;

    /// <summary>The MCP server it also is, at <c>/mcp/{server}</c>.</summary>
    public McpToolServer McpTools { get; } = new();

    public string Address { get; private set; } = null!;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["EdgeTrust:Key"] = trustKey;
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddEdgeTrust();
        app = builder.Build();
        app.UseEdgeTrust();
        app.UseWebSockets();
        app.MapGet("/health", () => Results.Ok());
        app.MapGet("/ready/{need}", () => Results.Ok());
        app.Map("/ws/echo", EchoWebSocketAsync);
        app.MapPost("/mcp/{server}", McpTools.AnswerAsync);
        app.Map("/slow/{**rest}", async (CancellationToken cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            return Results.Ok();
        });
        app.Map("/{**rest}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var caller = context.GetEdgeCaller();
            return Results.Json(new Dictionary<string, object?>
            {
                ["tenant"] = caller?.TenantId,
                ["client"] = caller?.ClientId,
                ["subject"] = caller?.Subject,
                ["scopes"] = caller?.Scopes,
                ["authorization"] = context.Request.Headers.Authorization.ToString(),
                ["api_key"] = context.Request.Headers[ApiKeys.Header].ToString(),
                ["request_id"] = context.Request.Headers[GatewayHeaders.RequestId].ToString(),
                ["traceparent"] = context.Request.Headers.TraceParent.ToString(),
                ["query"] = context.Request.QueryString.Value,
                ["body_length"] = body.Length,
            });
        });
        await app.StartAsync();
        Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    /// <summary>Sends back each message of a WebSocket until the client closes it.</summary>
    private static async Task EchoWebSocketAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[4096];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
            if (received.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
            {
                await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }
}
