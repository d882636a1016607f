using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Messaging.Auditing;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentCore.Gateway.Realtime.Tests;

/// <summary>
/// A WebSocket handshake leaves the pipeline first thing and is checked by the pipeline's own code, so that the
/// connection keeps none of the request's services; its refusals and failures still answer as the pipeline does.
/// </summary>
[Collection(RealtimeGroup.Name)]
public sealed class WebSocketHandshakeTests(RealtimeFixture fixture)
{
    [Fact]
    public async Task An_accepted_WebSocket_never_creates_request_services_while_the_pipeline_still_does_for_other_requests()
    {
        var requestServicesUsers = new ConcurrentQueue<string>();
        await using var server = fixture.StartRealtime(services: services => services.AddSingleton<IHttpContextFactory>(provider =>
            new RequestServicesRecordingContextFactory(provider, requestServicesUsers)));
        var (tenant, agent) = await fixture.NewAgentAsync();
        var token = fixture.Tokens.CreateToken(tenant);

        await using (var socket = await AgentSocket.ConnectAsync(server.BaseAddress, agent, token))
        {
            await socket.SubscribeAsync(AgentEventTypes.TaskCompleted);
            var published = await fixture.PublishAsync(tenant, agent);
            Assert.Equal(published, (await socket.ReceiveAsync()).Message!.Value.GetProperty("data").GetProperty("id").GetString());
        }

        using var client = server.CreateHttpClient();
        using var plain = new HttpRequestMessage(HttpMethod.Get, $"/ws/agents/{agent}?probe=pipeline") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        using var refused = await client.SendAsync(plain, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains($"/ws/agents/{agent}?probe=pipeline", requestServicesUsers);
        Assert.DoesNotContain($"/ws/agents/{agent}", requestServicesUsers);
    }

    [Fact]
    public async Task A_refused_handshake_gets_the_envelope_with_the_clients_request_id()
    {
        await using var server = fixture.StartRealtime();
        var requestId = Guid.NewGuid().ToString("D");
        using var client = server.CreateHttpClient();
        using var request = AgentSocket.HandshakeRequest(Ids.Agent(), bearer: null);
        request.Headers.Add(GatewayHeaders.RequestId, requestId);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(requestId, response.Headers.GetValues(GatewayHeaders.RequestId).Single());
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal(ErrorCodes.AuthenticationFailed, error.GetProperty("code").GetString());
        Assert.Equal(requestId, error.GetProperty("request_id").GetString());
        Assert.True(error.TryGetProperty("timestamp", out _));
    }

    [Fact]
    public async Task A_failure_before_the_upgrade_is_answered_with_the_envelope_not_a_bare_500()
    {
        await using var server = fixture.StartRealtime(services: services => services.Replace(ServiceDescriptor.Singleton<IAuditTrail, FailingAuditTrail>()));

        using var response = await AgentSocket.HandshakeAsync(server.BaseAddress, Ids.Agent(), fixture.Tokens.CreateToken(Ids.Tenant()), origin: "https://evil.example");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.False(response.Headers.Contains("Sec-WebSocket-Accept"));
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal(ErrorCodes.InternalError, error.GetProperty("code").GetString());
        Assert.Equal(response.Headers.GetValues(GatewayHeaders.RequestId).Single(), error.GetProperty("request_id").GetString());
    }

    /// <summary>Notes the path and query of every request that reaches for its request services (creating its DI scope).</summary>
    private sealed class RequestServicesRecordingContextFactory(IServiceProvider services, ConcurrentQueue<string> users) : IHttpContextFactory
    {
        private readonly DefaultHttpContextFactory inner = new(services);
        private readonly IServiceScopeFactory scopes = services.GetRequiredService<IServiceScopeFactory>();

        public HttpContext Create(IFeatureCollection featureCollection)
        {
            var context = inner.Create(featureCollection);
            context.Features.Set<IServiceProvidersFeature>(new RecordingFeature(context, new RequestServicesFeature(context, scopes), users));
            return context;
        }

        public void Dispose(HttpContext httpContext) => inner.Dispose(httpContext);
    }

    private sealed class RecordingFeature(HttpContext context, IServiceProvidersFeature inner, ConcurrentQueue<string> users) : IServiceProvidersFeature
    {
        public IServiceProvider RequestServices
        {
            get
            {
                users.Enqueue(context.Request.Path.Value + context.Request.QueryString.Value);
                return inner.RequestServices;
            }

            set => inner.RequestServices = value;
        }
    }

    private sealed class FailingAuditTrail : IAuditTrail
    {
        public bool Record(AuditEvent auditEvent) => throw new InvalidOperationException("The audit trail failed.");
    }
}
