using System.Diagnostics;
using AgentCore.Gateway.AppHost.Scaling;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace AgentCore.Gateway.AppHost.Infrastructure;

/// <summary>
/// <c>local</c> mode: Redis and PostgreSQL as processes the orchestrator starts, watches and stops, on ports it allocates.
/// </summary>
internal static class LocalInfrastructure
{
    private static readonly TimeSpan InitDbTimeout = TimeSpan.FromSeconds(60);

    public static GatewayInfrastructure Add(IDistributedApplicationBuilder builder, InfrastructureOptions options)
    {
        var postgresBin = PostgresBinaries.FindDirectory(options.PostgresBinDirectory) ?? throw new InfrastructureUnavailableException(
            "Infrastructure:Mode=local needs the PostgreSQL server binaries (postgres, initdb), and none were found " +
            (options.PostgresBinDirectory is null ? "on PATH or under /usr/lib/postgresql" : $"in Infrastructure:PostgresBinDirectory ({options.PostgresBinDirectory})") +
            ". Install them (Debian/Ubuntu: 'sudo apt-get install postgresql'; macOS: " +
            "'brew install postgresql@16'), start Docker and use Infrastructure:Mode=containers, or point " +
            "Infrastructure:Mode=external at running servers.");
        var redisServer = LocalRedisServer.Find();
        LocalRedisServer.Verify(redisServer);
        var data = LocalDataDirectory.Prepare(options);
        var postgresOsUser = ProcessUser.IsRoot ? options.PostgresOsUser : null;

        var redis = AddRedis(builder, data, redisServer);
        var postgres = AddPostgres(builder, data, postgresBin, postgresOsUser);
        return new GatewayInfrastructure(
            InfrastructureMode.Local,
            redis,
            AddDatabase(builder, postgres, ServiceNames.IdentityDatabase),
            AddDatabase(builder, postgres, ServiceNames.AuditDatabase),
            AddDatabase(builder, postgres, ServiceNames.AgentsDatabase));
    }

    private static IResourceBuilder<LocalRedisResource> AddRedis(IDistributedApplicationBuilder builder, LocalDataDirectory data, string redisServer)
    {
        var passwordValue = data.GetOrCreateSecret("redis-password");
        var password = builder.AddParameter(ServiceNames.Redis + "-password", passwordValue, secret: true);
        var redisData = data.PathOf("redis");
        Directory.CreateDirectory(redisData);

        var config = Path.Combine(redisData, "redis.conf");
        LocalDataDirectory.WritePrivateFile(config, $"requirepass {passwordValue}\nbind 127.0.0.1\nappendonly yes\nsave \"\"\ndir {redisData}\n");
        var redis = builder.AddResource(new LocalRedisResource(ServiceNames.Redis, redisServer, redisData, password.Resource))
            .WithArgs(context =>
            {
                var endpoint = ((LocalRedisResource)context.Resource).Endpoint;
                context.Args.Add(config);
                context.Args.Add("--port");
                context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
            });

        var healthCheckKey = ServiceNames.Redis + "-capabilities";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new RedisCapabilityHealthCheck(redis.Resource), HealthStatus.Unhealthy, tags: null));
        // Not proxied: a stopped Redis must refuse connections at once, as a real one would, not have them held by a proxy.
        var port = LoopbackPorts.Next();
        return redis
            .WithEndpoint(port: port, targetPort: port, name: LocalRedisResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    private static IResourceBuilder<LocalPostgresResource> AddPostgres(
        IDistributedApplicationBuilder builder, LocalDataDirectory data, string binDirectory, string? osUser)
    {
        var passwordValue = data.GetOrCreateSecret("postgres-password");
        var password = builder.AddParameter(ServiceNames.Postgres + "-password", passwordValue, secret: true);
        var pgData = data.PathOf("postgres");
        InitializeCluster(pgData, binDirectory, osUser, passwordValue);

        var (command, leadingArguments) = ProcessUser.RunAs(osUser, Path.Combine(binDirectory, "postgres"));
        // Not proxied, like Redis: while PostgreSQL is away, requests fail at once (503) instead of waiting on a proxy.
        var port = LoopbackPorts.Next();
        var postgres = builder.AddResource(new LocalPostgresResource(ServiceNames.Postgres, command, pgData, password.Resource))
            .WithEndpoint(port: port, targetPort: port, name: LocalPostgresResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                var endpoint = ((LocalPostgresResource)context.Resource).Endpoint;
                foreach (var argument in leadingArguments.Concat(["-D", pgData, "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-p"]))
                {
                    context.Args.Add(argument);
                }

                context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
            })
            .ExcludeFromManifest();

        var healthCheckKey = ServiceNames.Postgres + "-query";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new PostgresQueryHealthCheck(postgres.Resource), HealthStatus.Unhealthy, tags: null));
        return postgres.WithHealthCheck(healthCheckKey);
    }

    private static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        IDistributedApplicationBuilder builder, IResourceBuilder<LocalPostgresResource> server, string name)
    {
        var database = builder.AddResource(new LocalPostgresDatabaseResource(name, server.Resource))
            .WithParentRelationship(server)
            .ExcludeFromManifest();

        // A database has no process of its own: it exists once the server is ready and the database is created,
        // and the orchestrator learns that only from this notification.
        builder.Eventing.Subscribe<ResourceReadyEvent>(server.Resource, async (ready, cancellationToken) =>
        {
            await CreateDatabaseIfMissingAsync(server.Resource, name, cancellationToken);
            var notifications = ready.Services.GetRequiredService<ResourceNotificationService>();
            await notifications.PublishUpdateAsync(database.Resource, state => state with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        });

        var healthCheckKey = name + "-query";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new PostgresQueryHealthCheck(database.Resource), HealthStatus.Unhealthy, tags: null));
        return database.WithHealthCheck(healthCheckKey);
    }

    private static async Task CreateDatabaseIfMissingAsync(LocalPostgresResource server, string name, CancellationToken cancellationToken)
    {
        var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken);
        await using var connection = new NpgsqlConnection(connectionString + ";Database=postgres;Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            // Database names come from ServiceNames constants, never from input; identifiers cannot be parameters.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static void InitializeCluster(string pgData, string binDirectory, string? osUser, string password)
    {
        if (File.Exists(Path.Combine(pgData, "PG_VERSION")))
        {
            return;
        }

        Directory.CreateDirectory(pgData);
        // A fresh 0600 temp file: the server's OS user must read it, and the secrets folder is private to ours.
        var passwordFile = Path.GetTempFileName();
        File.WriteAllText(passwordFile, password);
        try
        {
            if (osUser is not null)
            {
                Run("chown", [$"{osUser}:", pgData, passwordFile]);
            }

            var (command, leadingArguments) = ProcessUser.RunAs(osUser, Path.Combine(binDirectory, "initdb"));
            Run(command, [.. leadingArguments, "-D", pgData, "-U", LocalPostgresResource.SuperUser, "--auth=scram-sha-256",
                $"--pwfile={passwordFile}", "--encoding=UTF8", "--no-instructions"]);
        }
        catch (InfrastructureUnavailableException)
        {
            Directory.Delete(pgData, recursive: true);
            throw;
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static void Run(string command, IReadOnlyList<string> arguments)
    {
        var startInfo = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InfrastructureUnavailableException($"Could not start '{command}'.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(InitDbTimeout) || process.ExitCode != 0)
        {
            process.Kill(entireProcessTree: true);
            throw new InfrastructureUnavailableException(
                $"'{command} {string.Join(' ', arguments)}' failed while preparing local PostgreSQL:\n{output.Result}{error.Result}");
        }
    }
}
