using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Edge.Tls;

internal static class TlsExtensions
{
    /// <summary>
    /// Every HTTPS endpoint of the Edge (from <c>ASPNETCORE_URLS</c>, the AppHost, or Kestrel configuration) accepts
    /// TLS 1.3, and TLS 1.2 only when <c>Edge:Tls:MinimumVersion</c> is 1.2, with the configured certificate.
    /// HSTS on HTTPS responses is <c>Headers/</c>'s.
    /// </summary>
    public static IHostApplicationBuilder AddEdgeTls(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<EdgeTlsOptions>(EdgeTlsOptions.SectionName);
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<EdgeTlsOptions>, TimeProvider>((kestrel, tls, time) =>
            {
                var certificate = EdgeCertificates.Load(tls.Value.Certificate, time);
                var protocols = tls.Value.Protocols;
                kestrel.ConfigureHttpsDefaults(https =>
                {
                    https.SslProtocols = protocols;
                    if (certificate is not null)
                    {
                        https.ServerCertificate = certificate;
                    }
                });
            });
        return builder;
    }

    /// <summary>After the forwarded headers, so a request a trusted proxy received over HTTPS counts as HTTPS.</summary>
    public static WebApplication UseEdgePlainHttpPolicy(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<EdgeTlsOptions>>().Value;
        var policy = options.PlainHttp ?? (app.Environment.IsDevelopment() ? PlainHttpPolicy.Serve : PlainHttpPolicy.Redirect);
        if (policy != PlainHttpPolicy.Serve)
        {
            app.UseMiddleware<PlainHttpMiddleware>(new PlainHttpMiddleware.Settings(policy, options.HttpsPort ?? HostHttpsPort(app.Configuration)));
        }

        return app;
    }

    /// <summary><c>HTTPS_PORT</c> (or <c>ASPNETCORE_HTTPS_PORT</c>), the setting ASP.NET Core's own redirection reads.</summary>
    private static int? HostHttpsPort(IConfiguration configuration) =>
        int.TryParse(configuration["HTTPS_PORT"], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
}
