using System.Globalization;
using System.Text;
using AgentCore.Gateway.AppHost.Infrastructure;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.AppHost.Scaling;

/// <summary>nginx run as a local process in front of the Edge replicas.</summary>
internal sealed class EdgeFrontResource(string name, string command, string workingDirectory) : ExecutableResource(name, command, workingDirectory);

/// <summary>
/// With more than one Edge replica, nginx holds the public ports (http and https), so clients keep one address. It
/// terminates TLS, replaces any <c>X-Forwarded-For</c> a client sent with the client's real address (and sets
/// <c>X-Forwarded-Proto</c>), and connects to the replicas from <see cref="SourceAddress"/>, the only proxy the
/// replicas believe. A replica that refuses the connection is skipped for the request (nothing reached it, so even a
/// POST is safe to send to the other), and errors nginx makes itself carry the error envelope.
/// </summary>
internal static class EdgeFront
{
    public const string ResourceName = "edge-proxy";

    private static readonly string[] SearchDirectories = ["/usr/sbin", "/usr/local/sbin", "/opt/homebrew/bin", "/usr/local/bin"];

    /// <summary>
    /// The loopback address nginx connects from: on Linux every 127.0.0.0/8 address is the machine itself, so nginx
    /// gets one that no other local client uses by default; elsewhere only 127.0.0.1 exists.
    /// </summary>
    public static string SourceAddress => OperatingSystem.IsLinux() ? "127.0.0.2" : "127.0.0.1";

    /// <summary>
    /// Adds nginx on <paramref name="httpPort"/> and <paramref name="httpsPort"/> in front of <paramref name="edges"/>, and
    /// tells each replica to believe it. Throws <see cref="InfrastructureUnavailableException"/> with install advice
    /// when nginx is missing.
    /// </summary>
    public static IResourceBuilder<EdgeFrontResource> AddEdgeFront(
        this IDistributedApplicationBuilder builder, ReplicaSet edges, int httpPort, int httpsPort, ScaleOptions scale, EdgeFrontCertificate certificate)
    {
        var nginx = FindNginx(scale.NginxPath);
        var directory = Directory.CreateTempSubdirectory("agentcore-edge-proxy-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(directory);
        if (!OperatingSystem.IsWindows())
        {
            // nginx's workers drop root for 'nobody' and must reach their temp folders here; the key stays private.
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var (certificateFile, keyFile) = certificate.Export(directory);
        var configFile = Path.Combine(directory, "nginx.conf");
        File.WriteAllText(configFile, Configuration(directory, edges.HttpPorts, httpPort, httpsPort, certificateFile, keyFile, certificate.Protocols));

        edges.Each(edge => edge.WithEnvironment("ClientAddresses__TrustedProxies__0", SourceAddress));
        var front = builder.AddResource(new EdgeFrontResource(ResourceName, nginx, directory))
            .WithArgs("-p", directory + Path.DirectorySeparatorChar, "-c", configFile, "-e", "stderr")
            .WithHttpEndpoint(port: httpPort, targetPort: httpPort, name: ReplicaSet.HttpEndpoint, isProxied: false)
            .WithHttpsEndpoint(port: httpsPort, targetPort: httpsPort, name: "https", isProxied: false)
            .WithExternalHttpEndpoints()
            .ExcludeFromManifest();
        foreach (var edge in edges.Replicas)
        {
            front.WithRelationship(edge.Resource, "Forwards to").WaitForStart(edge);
        }

        return front;
    }

    private static string FindNginx(string? configured)
    {
        var found = configured ?? ExecutableSearch.FindOnPath("nginx")
            ?? SearchDirectories.Select(directory => Path.Combine(directory, "nginx")).FirstOrDefault(File.Exists);
        return found is not null && File.Exists(found)
            ? found
            : throw new InfrastructureUnavailableException(
                "More than one Edge replica (Scale:Edge) needs nginx in front of them on the public ports, and none was found " +
                (configured is null ? "on PATH or in /usr/sbin" : $"at Scale:NginxPath ({configured})") +
                ". Install it (Debian/Ubuntu: 'sudo apt-get install nginx-light', then 'sudo systemctl disable --now nginx' so " +
                "that the system one does not hold port 80; macOS: 'brew install nginx'), or start with --Scale:Edge=1.");
    }

    /// <summary>The whole nginx configuration: one worker is plenty for a development machine.</summary>
    internal static string Configuration(string directory, IEnumerable<int> edgePorts, int httpPort, int httpsPort, string certificateFile, string keyFile, string protocols)
    {
        var config = new StringBuilder();
        config.Append(CultureInfo.InvariantCulture, $$"""
            worker_processes 1;
            daemon off;
            pid {{Path.Combine(directory, "nginx.pid")}};
            error_log stderr warn;
            events { worker_connections 4096; }
            http {
              access_log off;
              server_tokens off;
              client_body_temp_path {{Path.Combine(directory, "client_body")}};
              proxy_temp_path {{Path.Combine(directory, "proxy")}};
              fastcgi_temp_path {{Path.Combine(directory, "fastcgi")}};
              uwsgi_temp_path {{Path.Combine(directory, "uwsgi")}};
              scgi_temp_path {{Path.Combine(directory, "scgi")}};
              map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
              upstream edge_replicas {

            """);
        foreach (var port in edgePorts)
        {
            config.Append(CultureInfo.InvariantCulture, $"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;\n");
        }

        config.Append(CultureInfo.InvariantCulture, $$"""
                keepalive 256;
              }
              server {
                listen 127.0.0.1:{{httpPort}};
                listen [::1]:{{httpPort}};
                listen 127.0.0.1:{{httpsPort}} ssl;
                listen [::1]:{{httpsPort}} ssl;
                ssl_certificate {{certificateFile}};
                ssl_certificate_key {{keyFile}};
                ssl_protocols {{protocols}};
                client_max_body_size 0;
                large_client_header_buffers 4 32k;
                location / {
                  proxy_pass http://edge_replicas;
                  proxy_bind {{SourceAddress}};
                  proxy_http_version 1.1;
                  proxy_set_header Host $http_host;
                  proxy_set_header X-Forwarded-For $remote_addr;
                  proxy_set_header X-Forwarded-Proto $scheme;
                  proxy_set_header Upgrade $http_upgrade;
                  proxy_set_header Connection $connection_upgrade;
                  proxy_buffering off;
                  proxy_request_buffering off;
                  proxy_connect_timeout 2s;
                  proxy_read_timeout 1h;
                  proxy_send_timeout 1h;
                  proxy_next_upstream error timeout;
                }

            """);
        foreach (var (status, answer) in new[] { (400, 400), (408, 408), (413, 413), (414, 431), (494, 431), (500, 500), (502, 503), (503, 503), (504, 504) })
        {
            config.Append(CultureInfo.InvariantCulture, $"    error_page {status} = @status_{answer};\n");
        }

        foreach (var answer in new[] { 400, 408, 413, 431, 500, 503, 504 })
        {
            config.Append(CultureInfo.InvariantCulture, $"    location @status_{answer} {{\n")
                .Append("      default_type application/json;\n")
                .Append("      add_header Cache-Control no-store always;\n")
                .Append(answer == 503 ? "      add_header Retry-After 5 always;\n" : string.Empty)
                .Append(CultureInfo.InvariantCulture, $"      return {answer} '{Envelope(answer)}';\n")
                .Append("    }\n");
        }

        config.Append("  }\n}\n");
        return config.ToString();
    }

    /// <summary>The error envelope of an answer nginx gives itself; its request id is nginx's own (hex, safe in JSON).</summary>
    private static string Envelope(int status) =>
        "{\"error\":{\"code\":\"" + ErrorCodes.ForStatus(status) + "\",\"message\":\"" + Message(status)
        + "\",\"details\":{},\"request_id\":\"$request_id\",\"timestamp\":\"$time_iso8601\"}}";

    private static string Message(int status) => status switch
    {
        400 => "The request is malformed.",
        408 => "The request took too long to arrive.",
        413 => "The request body is larger than allowed.",
        431 => "The request headers are too large.",
        503 => "The service is temporarily unavailable. Retry later.",
        504 => "The upstream service did not answer in time.",
        _ => "The gateway failed to process the request.",
    };

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // nginx may still be writing its pid file; the temp folder is swept by the system.
        }
        catch (UnauthorizedAccessException)
        {
            // Temp folders nginx's workers created as another user.
        }
    }
}
