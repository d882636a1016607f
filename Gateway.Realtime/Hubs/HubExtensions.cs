using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Authentication;
using AgentCore.Gateway.Realtime.WebSockets;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Realtime.Hubs;

internal static class HubExtensions
{
    public const string AgentsHubPath = "/hubs/agents";

    /// <summary>
    /// SignalR with the Redis backplane (channel prefix <c>agentcore:signalr</c>), so that hub messages addressed to a
    /// user, group or connection reach it on whichever instance it is connected to; for <see cref="AgentsHub"/> through
    /// <see cref="AgentsHubLifetimeManager"/>, which can close a connection with a reason.
    /// </summary>
    public static TBuilder AddAgentHub<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSignalR().AddStackExchangeRedis();
        builder.Services.AddOptions<RedisOptions>().Configure<IConfiguration>((backplane, configuration) =>
        {
            backplane.Configuration = ConfigurationOptions.Parse(configuration.GetConnectionString(ServiceNames.Redis)
                ?? throw new InvalidOperationException($"Connection string '{ServiceNames.Redis}' is required."));
            backplane.Configuration.AbortOnConnectFail = false;
            backplane.Configuration.ChannelPrefix = RedisChannel.Literal("agentcore:signalr");
        });
        builder.Services.AddSingleton<AgentsHubLifetimeManager>();
        builder.Services.AddSingleton<HubLifetimeManager<AgentsHub>>(services => services.GetRequiredService<AgentsHubLifetimeManager>());
        builder.Services.AddSingleton<HubSubscriptions>();
        return builder;
    }

    /// <summary><c>/hubs/agents</c>: same policy and Origin check as the WebSocket endpoint; connections end when the token expires.</summary>
    public static WebApplication MapAgentHub(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments(AgentsHubPath), hub => hub.Use(async (context, next) =>
        {
            var allowed = context.RequestServices.GetRequiredService<IOptions<AgentWebSocketOptions>>().Value.AllowedOrigins;
            if (!OriginPolicy.IsAllowed(context, allowed))
            {
                context.RequestServices.GetRequiredService<ConnectionAudit>().Rejected(context, "origin_not_allowed");
                await ErrorResponses.WriteAsync(context, StatusCodes.Status403Forbidden, ErrorCodes.AuthorizationDenied, "This Origin is not allowed.");
                return;
            }

            await next(context);
        }));

        // Not CloseOnAuthenticationExpiration: the hub's own token watch ends the connection at expiry and says why, and
        // SignalR's transport-level close, checked on its own clock, would race it and drop the connection without a reason.
        app.MapHub<AgentsHub>(AgentsHubPath);
        return app;
    }
}
