using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace AgentCore.Gateway.Edge.Tests.Tls;

public sealed class TlsTests(TlsEdgeFixture edge) : IClassFixture<TlsEdgeFixture>
{
    [Fact]
    public async Task Openssl_connects_with_tls_1_3()
    {
        var (connected, output) = await OpenSslClient.HandshakeAsync(edge.HttpsPort, "-tls1_3");

        Assert.True(connected, output);
        Assert.Contains("Protocol version: TLSv1.3", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-tls1_2")]
    [InlineData("-tls1_1")]
    public async Task Openssl_offering_only_an_older_version_is_refused_at_the_default(string version)
    {
        var (connected, output) = await OpenSslClient.HandshakeAsync(edge.HttpsPort, version);

        Assert.False(connected, output);
    }

    [Fact]
    public async Task Https_responses_carry_hsts()
    {
        using var client = edge.CreateTlsClient(edge.HttpsAddress);
        using var response = await client.GetAsync("/api/v1/health", TestContext.Current.CancellationToken);

        Assert.True(response.Headers.Contains("X-Request-ID"));
        Assert.Equal("max-age=31536000; includeSubDomains", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
    }

    [Fact]
    public async Task Plain_http_is_redirected_to_the_same_url_over_https()
    {
        using var client = edge.CreateTlsClient(edge.HttpAddress);
        using var response = await client.PostAsync("/api/v1/agents/a1/tasks?x=1", new StringContent("{}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal(new Uri($"https://127.0.0.1:{edge.HttpsPort}/api/v1/agents/a1/tasks?x=1"), response.Headers.Location);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS is only for HTTPS.");
    }

    [Fact]
    public async Task Plain_http_probes_inside_the_network_are_answered()
    {
        using var client = edge.CreateTlsClient(edge.HttpAddress);
        using var response = await client.GetAsync("/alive", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_websocket_over_wss_reaches_the_backend_through_the_edge()
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {edge.ValidToken()}");
        socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) => edge.IsEdgeCertificate(certificate);
        var cancellation = TestContext.Current.CancellationToken;

        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{edge.HttpsPort}/ws/echo"), cancellation);
        await socket.SendAsync(Encoding.UTF8.GetBytes("ping over tls"), WebSocketMessageType.Text, endOfMessage: true, cancellation);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, cancellation);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cancellation);

        Assert.Equal("ping over tls", Encoding.UTF8.GetString(buffer, 0, received.Count));
    }
}

public sealed class Tls12Tests(Tls12EdgeFixture edge) : IClassFixture<Tls12EdgeFixture>
{
    [Theory]
    [InlineData("-tls1_3")]
    [InlineData("-tls1_2")]
    public async Task Openssl_connects_with_tls_1_2_or_1_3_when_configured(string version)
    {
        var (connected, output) = await OpenSslClient.HandshakeAsync(edge.HttpsPort, version);

        Assert.True(connected, output);
    }

    [Fact]
    public async Task Tls_1_1_is_refused_even_then()
    {
        var (connected, output) = await OpenSslClient.HandshakeAsync(edge.HttpsPort, "-tls1_1");

        Assert.False(connected, output);
    }
}
