using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Input;
using AgentCore.Gateway.TestSupport;
using CsCheck;
using Npgsql;

namespace AgentCore.Gateway.ServiceDefaults.Tests.Input;

/// <summary>The input validation every service runs, on a real Kestrel, with generated hostile input.</summary>
public sealed class RequestInputTests
{
    [Fact]
    public async Task Hostile_query_values_get_400_with_the_envelope_and_the_service_still_answers()
    {
        await using var host = await StartAsync();
        await HostileInput.ControlText.SampleAsync(async text =>
        {
            using var response = await host.Client.GetAsync(new Uri("/echo?name=" + HostileInput.QueryEscape(text), UriKind.Relative), TestContext.Current.CancellationToken);
            await AssertRefusedAsync(response);
        }, iter: 100, threads: 1);

        await AssertStillServesAsync(host);
    }

    [Fact]
    public async Task Hostile_JSON_strings_get_400_with_the_envelope_and_never_reach_the_endpoint()
    {
        await using var host = await StartAsync();
        await HostileInput.Text.Where(text => text.Contains('\0') || text.Any(char.IsSurrogate)).SampleAsync(async text =>
        {
            using var content = new StringContent($"{{\"name\":{HostileInput.JsonString(text)}}}", Encoding.UTF8, "application/json");
            using var response = await host.Client.PostAsync(new Uri("/echo", UriKind.Relative), content, TestContext.Current.CancellationToken);
            await AssertRefusedAsync(response);
        }, iter: 100, threads: 1);

        await HostileInput.InvalidUtf8.SampleAsync(async bytes =>
        {
            using var content = new ByteArrayContent([.. "{\"name\":\""u8, .. bytes, .. "\"}"u8]);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await host.Client.PostAsync(new Uri("/echo", UriKind.Relative), content, TestContext.Current.CancellationToken);
            await AssertRefusedAsync(response);
        }, iter: 50, threads: 1);

        await AssertStillServesAsync(host);
    }

    [Fact]
    public async Task Control_characters_in_a_header_value_get_400()
    {
        await using var host = await StartAsync();
        await HostileInput.ControlText.Where(text => text.Any(character => character is not ('\t' or '\r' or '\n' or '\0')))
            .Select(text => text.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal).Replace("\0", string.Empty, StringComparison.Ordinal))
            .Where(text => text.Any(character => character != '\t' && char.IsControl(character)))
            .SampleAsync(async text =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/echo?name=ok");
                request.Headers.TryAddWithoutValidation("X-Note", text);
                using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);
                await AssertRefusedAsync(response);
            }, iter: 50, threads: 1);
    }

    [Fact]
    public async Task Data_the_database_refuses_for_its_content_is_a_400_not_a_500()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var host = await StartAsync(app => app.MapGet("/store", async () =>
        {
            // A NUL that got past validation: PostgreSQL refuses it with SQLSTATE 22021.
            await using var connection = new NpgsqlConnection(postgres.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT $1::text", connection) { Parameters = { new() { Value = "a\0b" } } };
            return (string?)await command.ExecuteScalarAsync();
        }));

        using var response = await host.Client.GetAsync(new Uri("/store", UriKind.Relative), TestContext.Current.CancellationToken);

        await AssertRefusedAsync(response);
    }

    [Fact]
    public async Task A_JSON_reader_refusing_undecodable_text_is_a_400_not_a_500()
    {
        await using var host = await StartAsync(app => app.MapGet("/read", () =>
        {
            using var document = JsonDocument.Parse("{\"v\":\"\\ud800\"}");
            return document.RootElement.GetProperty("v").GetString();
        }));

        using var response = await host.Client.GetAsync(new Uri("/read", UriKind.Relative), TestContext.Current.CancellationToken);

        await AssertRefusedAsync(response);
    }

    private static Task<LoopbackHost> StartAsync(Action<WebApplication>? map = null) =>
        LoopbackHost.StartAsync(app =>
        {
            app.UseInputValidation();
            app.MapGet("/echo", (string name) => name);
            app.MapPost("/echo", async (HttpRequest request) =>
            {
                using var document = await JsonDocument.ParseAsync(request.Body);
                return document.RootElement.GetProperty("name").GetString();
            });
            map?.Invoke(app);
        });

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal(ErrorCodes.InvalidRequest, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("request_id").GetString()));
    }

    private static async Task AssertStillServesAsync(LoopbackHost host)
    {
        using var response = await host.Client.GetAsync(new Uri("/echo?name=still-here", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal("still-here", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
