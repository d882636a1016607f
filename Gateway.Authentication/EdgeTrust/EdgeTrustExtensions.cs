using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Authentication.EdgeTrust;

public static class EdgeTrustExtensions
{
    /// <summary>Binds and validates <see cref="EdgeTrustOptions"/> (the <c>EdgeTrust</c> section) for signing or verifying, and the <see cref="EdgeTrustVerifier"/>, once.</summary>
    public static TBuilder AddEdgeTrust<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        if (!builder.Services.Any(descriptor => descriptor.ServiceType == typeof(EdgeTrustRegistered)))
        {
            builder.Services.AddSingleton<EdgeTrustRegistered>();
            builder.AddValidatedOptions<EdgeTrustOptions>(EdgeTrustOptions.SectionName);
            builder.Services.AddSingleton<EdgeTrustVerifier>();
        }

        return builder;
    }

    /// <summary>Signs this client's requests as the Edge does (<see cref="EdgeSigningHandler"/>); needs <see cref="AddEdgeTrust"/>.</summary>
    public static IHttpClientBuilder AddEdgeSignature(this IHttpClientBuilder client) =>
        client.AddHttpMessageHandler(services => new EdgeSigningHandler(
            Encoding.UTF8.GetBytes(services.GetRequiredService<IOptions<EdgeTrustOptions>>().Value.Key),
            services.GetRequiredService<TimeProvider>()));

    /// <summary>
    /// Signs this client's requests as the Edge does, vouching for the caller of the request being handled (the one the
    /// Edge vouched for to this service), so a service calling another on a caller's behalf passes that caller on.
    /// </summary>
    public static IHttpClientBuilder AddEdgeSignatureForCurrentCaller(this IHttpClientBuilder client) =>
        client.AddHttpMessageHandler(services =>
        {
            var accessor = services.GetRequiredService<IHttpContextAccessor>();
            return new EdgeSigningHandler(
                Encoding.UTF8.GetBytes(services.GetRequiredService<IOptions<EdgeTrustOptions>>().Value.Key),
                services.GetRequiredService<TimeProvider>(),
                () => accessor.HttpContext?.GetEdgeCaller());
        });

    /// <summary>
    /// For backends: refuse requests that did not come through the Edge. Call after <c>UseServiceDefaults</c>, so
    /// refusals carry the request id.
    /// </summary>
    public static WebApplication UseEdgeTrust(this WebApplication app)
    {
        app.UseMiddleware<EdgeTrustMiddleware>();
        return app;
    }
}

/// <summary>Marks that <see cref="EdgeTrustExtensions.AddEdgeTrust"/> has run.</summary>
internal sealed class EdgeTrustRegistered;

public static class EdgeTrustHttpContextExtensions
{
    /// <summary>The caller the Edge vouched for; null on anonymous requests or before <c>UseEdgeTrust</c>.</summary>
    public static EdgeCaller? GetEdgeCaller(this HttpContext context) => context.Features.Get<EdgeCaller>();
}
