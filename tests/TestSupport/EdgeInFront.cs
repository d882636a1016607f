using System.Text;
using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Correlation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCore.Gateway.TestSupport;

/// <summary>
/// Plays the Edge in front of a backend under test, inside its host: every request is signed as the Edge signs it
/// (anonymous caller, the connection's address, the body's digest; client-sent trusted headers dropped) before the
/// backend's own pipeline, with its real trust middleware, verifies it. So a service test talks to the service as
/// the Edge would, and the Edge's own signing is tested against the same middleware in the Edge's tests. A request
/// with <see cref="AroundTheEdgeHeader"/> goes through unsigned, as a direct call to the backend's port would.
/// </summary>
public sealed class EdgeInFront : IStartupFilter
{
    /// <summary>The trust key of every test host (<c>EdgeTrust:Key</c>).</summary>
    public const string Key = "test-only-edge-trust-key-0123456789abcdefghijklmnop";

    /// <summary>The request header that makes a request bypass the simulated Edge.</summary>
    public const string AroundTheEdgeHeader = "X-Test-Around-Edge";

    private static readonly byte[] KeyBytes = Encoding.UTF8.GetBytes(Key);

    /// <summary>
    /// The headers with which the Edge would forward a body-less anonymous request to <paramref name="address"/>, for
    /// clients that cannot take a message handler (a <c>ClientWebSocket</c> of a benchmark against a bare backend).
    /// </summary>
    public static IReadOnlyDictionary<string, string> SignedHeaders(string method, Uri address)
    {
        var requestId = Guid.NewGuid().ToString("D");
        var signed = new EdgeSignedRequest(method, Uri.UnescapeDataString(address.AbsolutePath), address.Query, requestId,
            DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Caller: null, ForwardedFor: string.Empty, BodyDigest: string.Empty);
        return new Dictionary<string, string>
        {
            [GatewayHeaders.RequestId] = requestId,
            [GatewayHeaders.Timestamp] = signed.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [GatewayHeaders.Signature] = EdgeSignature.Compute(KeyBytes, signed),
        };
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var time = app.ApplicationServices.GetService<TimeProvider>() ?? TimeProvider.System;
        app.Use((context, nextMiddleware) => SignAsync(context, time, nextMiddleware));
        next(app);
    };

    private static async Task SignAsync(HttpContext context, TimeProvider time, RequestDelegate next)
    {
        var headers = context.Request.Headers;
        if (headers.Remove(AroundTheEdgeHeader))
        {
            await next(context);
            return;
        }

        foreach (var name in headers.Keys.Where(name => name.StartsWith(GatewayHeaders.TrustedPrefix, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            headers.Remove(name);
        }

        var requestId = RequestIds.Accept(headers[GatewayHeaders.RequestId]);
        headers[GatewayHeaders.RequestId] = requestId;
        var digest = string.Empty;
        if (EdgeSignature.HasBodyToSign(context))
        {
            context.Request.EnableBuffering();
            digest = await EdgeSignature.DigestAsync(context.Request.Body, long.MaxValue, context.RequestAborted) ?? string.Empty;
            context.Request.Body.Position = 0;
        }

        var address = context.Connection.RemoteIpAddress?.ToString() ?? string.Empty;
        var signed = new EdgeSignedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? string.Empty,
            context.Request.QueryString.Value,
            requestId,
            time.GetUtcNow().ToUnixTimeSeconds(),
            Caller: null,
            address,
            digest);
        if (address.Length > 0)
        {
            headers["X-Forwarded-For"] = address;
        }
        else
        {
            headers.Remove("X-Forwarded-For");
        }

        headers[GatewayHeaders.Timestamp] = signed.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers[GatewayHeaders.Signature] = EdgeSignature.Compute(KeyBytes, signed);
        await next(context);
    }
}

public static class EdgeInFrontExtensions
{
    /// <summary>Gives the host under test the test trust key and <see cref="EdgeInFront"/>.</summary>
    public static IWebHostBuilder UseEdgeInFront(this IWebHostBuilder builder) =>
        builder.UseSetting("EdgeTrust:Key", EdgeInFront.Key)
            .ConfigureServices(services => services.AddSingleton<IStartupFilter, EdgeInFront>());
}
