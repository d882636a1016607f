using System.Globalization;
using AgentCore.Gateway.TestSupport;

namespace AgentCore.Gateway.Bench.Realtime;

/// <summary><c>--name value</c> arguments, and <c>--set Key=Value</c> (repeatable) for settings of the servers under test.</summary>
internal sealed class BenchArguments
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, string>> serverSettings = [];

    public BenchArguments(IEnumerable<string> arguments)
    {
        using var enumerator = arguments.GetEnumerator();
        while (enumerator.MoveNext())
        {
            var name = enumerator.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal) || !enumerator.MoveNext())
            {
                throw new ArgumentException($"Expected --name value, got '{name}'.");
            }

            if (name == "--set")
            {
                var (key, value) = enumerator.Current.Split('=', 2) is [var k, var v] ? (k, v) : throw new ArgumentException("--set takes Key=Value.");
                serverSettings.Add(new(key, value));
            }
            else
            {
                values[name[2..]] = enumerator.Current;
            }
        }
    }

    /// <summary>Extra environment for the servers under test (<c>--set Key=Value</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ServerSettings => serverSettings;

    /// <summary>What every service under test needs (Redis, the token server as issuer, the Edge trust key), and the <c>--set</c> settings.</summary>
    public Dictionary<string, string> ServiceSettings(RedisServer redis, GatewayTokenServer tokens)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = redis.ConnectionString,
            ["Gateway__Issuer"] = GatewayTokenServer.Issuer,
            ["Authentication__Jwt__MetadataAddress"] = tokens.MetadataAddress,
            ["EdgeTrust__Key"] = EdgeInFront.Key,
        };
        foreach (var (key, value) in serverSettings)
        {
            settings[key] = value;
        }

        return settings;
    }

    public string Required(string name) => values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    public string? Optional(string name) => values.GetValueOrDefault(name);

    public int Int(string name, int fallback) => values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => values.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
