using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace AgentCore.Gateway.Identity.ClientRegistration;

/// <summary>
/// Client ID Metadata Documents (MCP authorization, 2025-11-25): a client id that is an HTTPS URL names a JSON document
/// describing the client. The first request of such a client fetches it (SSRF-fenced, see
/// <see cref="ClientMetadataDocumentOptions"/>), checks it (its <c>client_id</c> is its own URL, redirect URIs per the
/// MCP rules, no secret) and registers the client as a public PKCE client with explicit consent; the registration is
/// used for <c>CacheDuration</c>, then the document is fetched again and the registration updated.
/// </summary>
internal sealed partial class ClientMetadataDocuments(
    IHttpClientFactory httpClients,
    IOptions<ClientMetadataDocumentOptions> options,
    TimeProvider time,
    ILogger<ClientMetadataDocuments> logger)
{
    public const string HttpClientName = "client-metadata-documents";

    /// <summary>Whether <paramref name="clientId"/> is meant as a metadata document's URL (and so must be one).</summary>
    public static bool IsDocumentClientId(string? clientId) =>
        clientId is not null && (clientId.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || clientId.StartsWith("http://", StringComparison.OrdinalIgnoreCase));

    /// <summary>Registers or refreshes the client from its document; the refusal's reason when it cannot be.</summary>
    public async Task<string?> EnsureRegisteredAsync(string clientId, IOpenIddictApplicationManager applications, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return "Client ID Metadata Documents are not accepted here.";
        }

        if (!Uri.TryCreate(clientId, UriKind.Absolute, out var address))
        {
            return "The client id is not a valid URL.";
        }

        if (!IsAcceptableAddress(address, settings, out var addressProblem))
        {
            return addressProblem;
        }

        var existing = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (existing is not null && IsFresh(await applications.GetPropertiesAsync(existing, cancellationToken), settings))
        {
            return null;
        }

        var (document, fetchProblem) = await FetchAsync(address, settings, cancellationToken);
        if (document is null)
        {
            LogRefused(logger, address.Host, fetchProblem!);
            return fetchProblem;
        }

        if (Validate(document.Value, clientId) is { } invalid)
        {
            LogRefused(logger, address.Host, invalid);
            return invalid;
        }

        var descriptor = PublicClients.Describe(
            clientId,
            document.Value.TryGetProperty("client_name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
            document.Value.GetProperty("redirect_uris").EnumerateArray().Select(uri => new Uri(uri.GetString()!)),
            settings.GrantableScopes);
        descriptor.Properties[PublicClients.FetchedAtProperty] = JsonSerializer.SerializeToElement(time.GetUtcNow().ToUnixTimeSeconds());
        try
        {
            if (existing is null)
            {
                await applications.CreateAsync(descriptor, cancellationToken);
            }
            else
            {
                await applications.UpdateAsync(existing, descriptor, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is OpenIddictExceptions.ConcurrencyException or Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            // Another request registered it at the same moment: theirs stands.
        }

        return null;
    }

    private bool IsFresh(System.Collections.Immutable.ImmutableDictionary<string, JsonElement> properties, ClientMetadataDocumentOptions settings) =>
        properties.TryGetValue(PublicClients.FetchedAtProperty, out var fetched) && fetched.TryGetInt64(out var seconds)
        && time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds) < settings.CacheDuration;

    private static bool IsAcceptableAddress(Uri address, ClientMetadataDocumentOptions settings, out string? problem)
    {
        problem = null;
        if (address.Scheme != Uri.UriSchemeHttps && (settings.RequireHttps || address.Scheme != Uri.UriSchemeHttp))
        {
            problem = "A client metadata document must be served over HTTPS.";
        }
        else if (address.AbsolutePath is "" or "/" || !string.IsNullOrEmpty(address.Fragment) || !string.IsNullOrEmpty(address.UserInfo))
        {
            problem = "A client metadata document URL has a path, and neither a fragment nor credentials.";
        }
        else if (settings.AllowedHosts.Count > 0 && !settings.AllowedHosts.Contains(address.Host, StringComparer.OrdinalIgnoreCase))
        {
            problem = "Client metadata documents are not accepted from that host.";
        }

        return problem is null;
    }

    private async Task<(JsonElement? Document, string? Problem)> FetchAsync(Uri address, ClientMetadataDocumentOptions settings, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            var client = httpClients.CreateClient(HttpClientName);
            using var request = new HttpRequestMessage(HttpMethod.Get, address);
            request.Headers.Accept.ParseAdd("application/json");
            request.Options.Set(PrivateNetworkExemption, settings.PrivateNetworkHosts.Contains(address.Host, StringComparer.OrdinalIgnoreCase));
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (null, $"The client metadata document could not be fetched ({(int)response.StatusCode}).");
            }

            if (response.Content.Headers.ContentLength > settings.MaxDocumentBytes)
            {
                return (null, "The client metadata document is too large.");
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var buffer = new byte[settings.MaxDocumentBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), timeout.Token)) > 0)
            {
                length += read;
            }

            if (length > settings.MaxDocumentBytes)
            {
                return (null, "The client metadata document is too large.");
            }

            using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            return (document.RootElement.Clone(), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, "The client metadata document did not arrive in time.");
        }
        catch (JsonException)
        {
            return (null, "The client metadata document is not JSON.");
        }
        catch (HttpRequestException exception) when (exception.InnerException is ForbiddenAddressException)
        {
            return (null, "The client metadata document's host resolves to an address that may not be reached.");
        }
        catch (HttpRequestException)
        {
            return (null, "The client metadata document could not be fetched.");
        }
    }

    private static string? Validate(JsonElement document, string clientId)
    {
        if (document.ValueKind != JsonValueKind.Object)
        {
            return "The client metadata document is not a JSON object.";
        }

        if (!document.TryGetProperty("client_id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() != clientId)
        {
            return "The client metadata document's client_id is not its own URL.";
        }

        if (!document.TryGetProperty("redirect_uris", out var redirects) || redirects.ValueKind != JsonValueKind.Array
            || redirects.GetArrayLength() is 0 or > 10
            || redirects.EnumerateArray().Any(uri => uri.ValueKind != JsonValueKind.String
                || !Uri.TryCreate(uri.GetString(), UriKind.Absolute, out var parsed) || !PublicClients.IsAcceptableRedirect(parsed)))
        {
            return "The client metadata document's redirect_uris must be HTTPS, or HTTP on localhost or a loopback address.";
        }

        if (document.TryGetProperty("token_endpoint_auth_method", out var method) && method.ValueKind == JsonValueKind.String && method.GetString() != "none")
        {
            return "Only public clients (token_endpoint_auth_method none) may be described by a metadata document.";
        }

        if (document.TryGetProperty("client_secret", out _))
        {
            return "A client metadata document never carries a secret.";
        }

        return null;
    }

    /// <summary>The request option that lets a configured host resolve to a private address.</summary>
    public static readonly HttpRequestOptionsKey<bool> PrivateNetworkExemption = new("agentcore.cimd.private-network");

    /// <summary>
    /// Connects only to addresses a stranger's URL may lead to: never loopback, private, link-local, unique-local,
    /// multicast or unspecified ones (unless the request is exempt), checked on the resolved address actually used,
    /// so that a name that resolves differently the second time (DNS rebinding) gains nothing.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var exempt = context.InitialRequestMessage.Options.TryGetValue(PrivateNetworkExemption, out var allowed) && allowed;
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        var target = addresses.FirstOrDefault(address => exempt || IsPublic(address)) ?? throw new ForbiddenAddressException();
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(target, context.DnsEndPoint.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Whether a stranger's URL may lead to <paramref name="address"/>: no loopback, private, shared, link-local, unique-local, multicast, reserved or unspecified address, in either family.</summary>
    internal static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal)
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        return address.AddressFamily != AddressFamily.InterNetwork || !(
            bytes[0] is 0 or 10 or 127 or >= 224
            || (bytes[0] == 100 && bytes[1] >= 64 && bytes[1] < 128)
            || (bytes[0] == 169 && bytes[1] == 254)
            || (bytes[0] == 172 && bytes[1] >= 16 && bytes[1] < 32)
            || (bytes[0] == 192 && bytes[1] == 168)
            || (bytes[0] == 192 && bytes[1] == 0 && bytes[2] == 0)
            || (bytes[0] == 198 && bytes[1] is 18 or 19));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused the client metadata document from {Host}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string host, string reason);

    private sealed class ForbiddenAddressException() : IOException("The address may not be reached.");
}
