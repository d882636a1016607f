using System.Text.Json.Nodes;

namespace AgentCore.Gateway.Deploy.Tests;

/// <summary>
/// What every rendering of <c>deploy/kubernetes</c> must hold. Each check returns what is wrong, so that a test can
/// show all of it at once, and a self-test can show that each check catches what it is for.
/// </summary>
internal static class KubernetesPolicy
{
    public static readonly string[] Services = ["edge", "identity", "realtime", "audit", "agentruntime"];

    /// <summary>Who may call each backend's public port: the Edge, and for Identity's JWKS also the services that validate tokens.</summary>
    private static readonly Dictionary<string, string[]> AllowedCallers = new(StringComparer.Ordinal)
    {
        ["identity"] = ["edge", "realtime", "audit"],
        ["realtime"] = ["edge"],
        ["audit"] = ["edge"],
        ["agentruntime"] = ["edge"],
    };

    /// <summary>The Secret each service's connection strings come from.</summary>
    private static readonly Dictionary<string, string[]> SecretsOf = new(StringComparer.Ordinal)
    {
        ["edge"] = ["gateway-redis", "gateway-edge-trust"],
        ["identity"] = ["gateway-redis", "gateway-edge-trust", "gateway-postgres"],
        ["realtime"] = ["gateway-redis", "gateway-edge-trust"],
        ["audit"] = ["gateway-redis", "gateway-edge-trust", "gateway-postgres"],
        ["agentruntime"] = ["gateway-redis", "gateway-edge-trust", "gateway-postgres"],
    };

    public static IEnumerable<string> Violations(IReadOnlyList<JsonObject> manifests) =>
        Deployments(manifests)
            .Concat(DisruptionBudgets(manifests))
            .Concat(Autoscalers(manifests))
            .Concat(NetworkPolicies(manifests))
            .Concat(PublicEntry(manifests))
            .Concat(ExternalDependencies(manifests));

    public static JsonObject Deployment(IEnumerable<JsonObject> manifests, string name) =>
        manifests.OfKind("Deployment").Single(deployment => deployment.Name() == name);

    private static IEnumerable<string> Deployments(IReadOnlyList<JsonObject> manifests)
    {
        foreach (var service in Services)
        {
            var deployment = manifests.OfKind("Deployment").SingleOrDefault(candidate => candidate.Name() == service);
            if (deployment is null)
            {
                yield return $"Deployment {service} is missing.";
                continue;
            }

            var pod = deployment["spec"]!["template"]!["spec"]!;
            foreach (var container in pod["containers"]!.AsArray().Select(node => node!))
            {
                var where = $"Deployment {service}, container {container["name"]}";
                var ports = container["ports"]?.AsArray().Select(port => (string?)port!["name"]).ToList() ?? [];
                foreach (var (probe, path) in new[] { ("readinessProbe", "/ready"), ("livenessProbe", "/alive") })
                {
                    var get = container[probe]?["httpGet"];
                    if ((string?)get?["path"] != path || (string?)get["port"] != "management" || !ports.Contains("management"))
                    {
                        yield return $"{where}: {probe} must GET {path} on the named port 'management'.";
                    }
                }

                foreach (var kind in new[] { "requests", "limits" })
                {
                    foreach (var resource in new[] { "cpu", "memory" })
                    {
                        if (container["resources"]?[kind]?[resource] is null)
                        {
                            yield return $"{where}: resources.{kind}.{resource} is missing.";
                        }
                    }
                }

                var security = container["securityContext"];
                bool Setting(string key) => (string?)(security?[key] ?? pod["securityContext"]?[key]) == "true";
                var user = (string?)(security?["runAsUser"] ?? pod["securityContext"]?["runAsUser"]);
                if (!Setting("runAsNonRoot") || user is null or "0")
                {
                    yield return $"{where}: must run as a non-root numeric user (runAsNonRoot and runAsUser other than 0).";
                }

                if ((string?)security?["readOnlyRootFilesystem"] != "true" || (string?)security?["allowPrivilegeEscalation"] != "false"
                    || security?["capabilities"]?["drop"]?.AsArray().Any(capability => (string?)capability == "ALL") != true)
                {
                    yield return $"{where}: needs a read-only root file system, no privilege escalation and all capabilities dropped.";
                }
            }
        }
    }

    private static IEnumerable<string> DisruptionBudgets(IReadOnlyList<JsonObject> manifests) =>
        from service in Services
        where !manifests.OfKind("PodDisruptionBudget").Any(budget =>
            (string?)budget["spec"]!["selector"]?["matchLabels"]?["app.kubernetes.io/name"] == service)
        select $"PodDisruptionBudget for {service} is missing.";

    private static IEnumerable<string> Autoscalers(IReadOnlyList<JsonObject> manifests)
    {
        foreach (var service in Services)
        {
            var autoscaler = manifests.OfKind("HorizontalPodAutoscaler")
                .SingleOrDefault(hpa => (string?)hpa["spec"]!["scaleTargetRef"]!["name"] == service);
            var metrics = autoscaler?["spec"]!["metrics"]?.AsArray().Select(metric => metric!).ToList() ?? [];
            if (!metrics.Any(metric => (string?)metric["resource"]?["name"] == "cpu"))
            {
                yield return $"HorizontalPodAutoscaler on CPU for {service} is missing.";
            }

            if (service == "realtime" && !metrics.Any(metric => (string?)metric["pods"]?["metric"]?["name"] == "connection_count"))
            {
                yield return "HorizontalPodAutoscaler of realtime must also scale on connection_count.";
            }
        }
    }

    private static IEnumerable<string> NetworkPolicies(IReadOnlyList<JsonObject> manifests)
    {
        var policies = manifests.OfKind("NetworkPolicy").ToList();
        if (!policies.Any(policy => policy["spec"]!["podSelector"]!.AsObject().Count == 0
                && policy["spec"]!["policyTypes"]!.AsArray().Any(type => (string?)type == "Ingress")
                && policy["spec"]!["ingress"] is null))
        {
            yield return "NetworkPolicy denying all ingress by default is missing.";
        }

        foreach (var service in Services)
        {
            var labels = Deployment(manifests, service)["spec"]!["template"]!["metadata"]!["labels"]!;
            var rules = policies.Where(policy => Selects(policy["spec"]!["podSelector"]!, labels))
                .SelectMany(policy => policy["spec"]!["ingress"]?.AsArray().Select(rule => rule!) ?? []).ToList();
            var publicRules = rules.Where(rule => rule["ports"]?.AsArray().Any(port => (string?)port!["port"] is "http" or "8080") ?? true).ToList();
            if (service == "edge")
            {
                if (publicRules.Count == 0)
                {
                    yield return "NetworkPolicy letting clients reach the Edge's http port is missing.";
                }

                continue;
            }

            if (publicRules.Count == 0)
            {
                yield return $"NetworkPolicy letting the Edge reach {service} is missing.";
            }

            foreach (var rule in publicRules)
            {
                var callers = rule["from"]?.AsArray().Select(peer => (string?)peer!["podSelector"]?["matchLabels"]?["app.kubernetes.io/name"]).ToList();
                if (callers is null || callers.Count == 0 || callers.Any(caller => caller is null || !AllowedCallers[service].Contains(caller)))
                {
                    yield return $"NetworkPolicy lets more than {string.Join(", ", AllowedCallers[service])} reach {service}'s http port.";
                }
            }
        }
    }

    private static IEnumerable<string> PublicEntry(IReadOnlyList<JsonObject> manifests)
    {
        var httpsListeners = manifests.OfKind("Gateway")
            .SelectMany(gateway => gateway["spec"]!["listeners"]!.AsArray().Select(listener => (Gateway: gateway.Name(), Listener: listener!)))
            .Where(entry => (string?)entry.Listener["protocol"] == "HTTPS"
                && entry.Listener["tls"]?["certificateRefs"]?.AsArray().Any(reference => (string?)reference!["kind"] == "Secret") == true)
            .ToList();
        if (httpsListeners.Count == 0)
        {
            yield return "A Gateway with an HTTPS listener whose certificate is a Secret is missing.";
        }

        var routed = manifests.OfKind("HTTPRoute").Any(route =>
            route["spec"]!["parentRefs"]!.AsArray().Any(parent => httpsListeners.Any(entry =>
                entry.Gateway == (string?)parent!["name"] && (string?)entry.Listener["name"] == (string?)parent["sectionName"]))
            && route["spec"]!["rules"]!.AsArray().All(rule => rule!["backendRefs"]!.AsArray().All(backend => (string?)backend!["name"] == "edge")));
        if (!routed)
        {
            yield return "An HTTPRoute from the HTTPS listener to the edge Service (and nothing else) is missing.";
        }
    }

    private static IEnumerable<string> ExternalDependencies(IReadOnlyList<JsonObject> manifests)
    {
        if (manifests.OfKind("Secret").Any())
        {
            yield return "A Secret is rendered: Redis, PostgreSQL and key material are external, named by reference only.";
        }

        foreach (var service in Services)
        {
            var referenced = Deployment(manifests, service)["spec"]!["template"]!["spec"]!["containers"]!.AsArray()
                .SelectMany(container => container!["env"]?.AsArray() ?? [])
                .Select(variable => (string?)variable!["valueFrom"]?["secretKeyRef"]?["name"])
                .ToHashSet();
            foreach (var secret in SecretsOf[service].Where(secret => !referenced.Contains(secret)))
            {
                yield return $"Deployment {service} does not take its settings from Secret {secret}.";
            }
        }
    }

    /// <summary>Whether a label selector (matchLabels, and matchExpressions with In) selects <paramref name="labels"/>.</summary>
    private static bool Selects(JsonNode selector, JsonNode labels)
    {
        var matchLabels = selector["matchLabels"]?.AsObject() ?? [];
        var expressions = selector["matchExpressions"]?.AsArray() ?? [];
        return matchLabels.All(pair => (string?)labels[pair.Key] == (string?)pair.Value)
            && expressions.All(expression => (string?)expression!["operator"] == "In"
                && expression["values"]!.AsArray().Any(value => (string?)value == (string?)labels[(string)expression["key"]!]));
    }
}
