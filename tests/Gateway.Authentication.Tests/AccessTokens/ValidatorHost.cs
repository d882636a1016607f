using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Authentication.Revocation;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentCore.Gateway.Authentication.Tests.AccessTokens;

/// <summary>The shared validator as a service registers it, against a <see cref="GatewayTokenServer"/>'s keys.</summary>
public sealed class ValidatorHost : IAsyncLifetime
{
    private IHost? host;

    internal GatewayTokenServer Tokens { get; private set; } = null!;

    public AccessTokenValidator Validator => host!.Services.GetRequiredService<AccessTokenValidator>();

    public RevocationList Revocations => host!.Services.GetRequiredService<RevocationList>();

    public async ValueTask InitializeAsync()
    {
        Tokens = await GatewayTokenServer.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [GatewayTokens.IssuerConfigurationKey] = GatewayTokenServer.Issuer,
            ["Authentication:Jwt:MetadataAddress"] = Tokens.MetadataAddress,
            ["EdgeTrust:Key"] = EdgeInFront.Key,
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddAccessTokenValidation();
        host = builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        host?.Dispose();
        await Tokens.DisposeAsync();
    }
}
