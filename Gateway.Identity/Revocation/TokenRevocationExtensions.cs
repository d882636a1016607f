using AgentCore.Gateway.Authentication.Revocation;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AgentCore.Gateway.Identity.Revocation;

internal static class TokenRevocationExtensions
{
    /// <summary>
    /// Announcing revocations to every validator (<see cref="RevocationPublisher"/>) from their four sources:
    /// <c>/connect/revoke</c>, a replayed refresh token or code, sign out everywhere, and a disabled client. Login
    /// sessions opened before a subject was signed out everywhere end as well. Needs <c>AddTokenServer</c>.
    /// </summary>
    public static IHostApplicationBuilder AddTokenRevocation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RevocationPublisher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RevocationPublisher>());
        builder.AddRevocationList();
        builder.Services.AddOpenIddict().AddServer(server => server
            .AddEventHandler(RevokedTokenHandler.Descriptor)
            .AddEventHandler(RedeemedAuthorizationHandler.Descriptor)
            .AddEventHandler(ReplayedGrantHandler.Descriptor)
            .AddEventHandler(DisabledClientHandler.TokenRequests)
            .AddEventHandler(DisabledClientHandler.AuthorizationRequests));
        builder.Services.PostConfigure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, cookie =>
            cookie.Events.OnValidatePrincipal = async context =>
            {
                var revocations = context.HttpContext.RequestServices.GetRequiredService<RevocationList>();
                if (context.Principal?.FindFirst(GatewayClaims.Subject)?.Value is { } subject
                    && revocations.IsSubjectRevoked(subject, context.Properties.IssuedUtc ?? DateTimeOffset.MinValue))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                }
            });
        return builder;
    }

    public static WebApplication MapTokenRevocation(this WebApplication app)
    {
        app.MapRevocationEndpoints();
        return app;
    }
}
