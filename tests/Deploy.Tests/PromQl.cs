using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace AgentCore.Gateway.Deploy.Tests;

/// <summary>
/// The PromQL of the alerting rules and dashboards, and the metric names it selects, so that tests can hold those
/// names against what the services really export.
/// </summary>
internal static partial class PromQl
{
    /// <summary>Series Prometheus writes itself about each scrape; no service exports them.</summary>
    public static readonly IReadOnlySet<string> ScrapeSeries = new HashSet<string>(StringComparer.Ordinal)
    {
        "up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added",
    };

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "inf", "nan",
    };

    /// <summary>Every alerting or recording rule's <c>expr</c> in a Prometheus rule file, by rule name.</summary>
    public static IEnumerable<(string Name, string Expression)> RuleExpressions(string ruleFile)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(ruleFile))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        foreach (YamlMappingNode group in (YamlSequenceNode)root["groups"])
        {
            foreach (YamlMappingNode rule in (YamlSequenceNode)group["rules"])
            {
                var name = rule.Children.TryGetValue("alert", out var alert) ? alert : rule["record"];
                yield return (name.ToString(), rule["expr"].ToString());
            }
        }
    }

    /// <summary>Every panel query of a Grafana dashboard (rows' nested panels too), named by panel id and query ref.</summary>
    public static IEnumerable<(string Name, string Expression)> DashboardExpressions(string dashboardFile)
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(dashboardFile))!;
        return Panels(dashboard["panels"]!.AsArray()).SelectMany(panel =>
            (panel["targets"]?.AsArray() ?? []).Select(target =>
                ($"panel_{panel["id"]}_{target!["refId"]}", (string)target["expr"]!)));
    }

    /// <summary>The metric names an expression selects (function names, labels, keywords and literals left out).</summary>
    public static IReadOnlySet<string> MetricNames(string expression)
    {
        var text = StringLiterals().Replace(expression, "\"\"");
        text = LabelMatchers().Replace(text, "{}");
        text = Groupings().Replace(text, " ");
        text = RangesAndDurations().Replace(text, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match identifier in Identifiers().Matches(text))
        {
            var rest = text.AsSpan(identifier.Index + identifier.Length).TrimStart();
            if (!rest.StartsWith("(") && !Keywords.Contains(identifier.Value))
            {
                names.Add(identifier.Value);
            }
        }

        return names;
    }

    private static IEnumerable<JsonNode> Panels(JsonArray panels) =>
        panels.SelectMany(panel => panel!["panels"] is JsonArray nested ? [panel, .. Panels(nested)] : new[] { panel! });

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex StringLiterals();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")]
    private static partial Regex Groupings();

    [GeneratedRegex(@"\[[^\]]*\]|\boffset\s+\S+")]
    private static partial Regex RangesAndDurations();

    [GeneratedRegex(@"(?<![\w.:])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifiers();
}
