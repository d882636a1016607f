using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentCore.Gateway.Deploy.Tests;

public sealed class DashboardTests
{
    /// <summary>The spec's dashboards (Monitoring section).</summary>
    private static readonly string[] SpecDashboards = ["API Gateway Health", "Authentication Analytics", "Traffic Analysis"];

    public static TheoryData<string> Dashboards => new(RepositoryFiles.Dashboards.Select(Path.GetFileName)!);

    [Fact]
    public void The_spec_s_three_dashboards_exist()
    {
        var titles = RepositoryFiles.Dashboards.Select(file => (string)JsonNode.Parse(File.ReadAllText(file))!["title"]!).ToList();

        Assert.Equal(3, titles.Count);
        Assert.All(SpecDashboards, name => Assert.Contains(titles, title => title.EndsWith(name, StringComparison.Ordinal)));
    }

    /// <summary>
    /// Every panel query becomes a recording rule, and promtool parses them all: a query with bad PromQL fails here,
    /// a renamed metric in the metric-existence test of EndToEnd.Tests.
    /// </summary>
    [Theory]
    [MemberData(nameof(Dashboards))]
    public async Task Every_panel_query_is_valid_promql(string dashboard)
    {
        var expressions = PromQl.DashboardExpressions(RepositoryFiles.PathOf("deploy", "grafana", dashboard)).ToList();
        Assert.NotEmpty(expressions);
        var prefix = "dashboard:" + Path.GetFileNameWithoutExtension(dashboard).Replace('-', '_') + ":";
        var rules = new JsonObject
        {
            ["groups"] = new JsonArray(new JsonObject
            {
                ["name"] = dashboard,
                ["rules"] = new JsonArray([.. expressions.Select(query => (JsonNode)new JsonObject { ["record"] = prefix + query.Name, ["expr"] = query.Expression })]),
            }),
        };
        var file = Path.Combine(Directory.CreateTempSubdirectory("dashboard-rules-").FullName, "dashboard.rules.json");
        await File.WriteAllTextAsync(file, rules.ToJsonString(), TestContext.Current.CancellationToken);

        var (exitCode, output) = await Promtool.RunAsync("check", "rules", file);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"SUCCESS: {expressions.Count} rules found", output, StringComparison.Ordinal);
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_panel_queries_the_templated_prometheus_data_source(string dashboard)
    {
        var json = JsonNode.Parse(File.ReadAllText(RepositoryFiles.PathOf("deploy", "grafana", dashboard)))!;

        Assert.Equal("datasource", (string)json["templating"]!["list"]![0]!["type"]!);
        Assert.All(json["panels"]!.AsArray().Where(panel => panel!["targets"] is not null),
            panel => Assert.Equal("${datasource}", (string)panel!["datasource"]!["uid"]!));
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(json.ToJsonString()).RootElement.GetProperty("panels").ValueKind);
    }
}
