using AgentCore.Gateway.AppHost.Infrastructure;

namespace AgentCore.Gateway.AppHost.Tests;

public sealed class PostgresBinariesTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("pg-bin-").FullName;

    [Fact]
    public void FindDirectory_ConfiguredFolderWithBothPrograms_ReturnsIt()
    {
        File.WriteAllText(Path.Combine(folder, "postgres"), string.Empty);
        File.WriteAllText(Path.Combine(folder, "initdb"), string.Empty);

        Assert.Equal(folder, PostgresBinaries.FindDirectory(folder));
    }

    [Fact]
    public void FindDirectory_ConfiguredFolderWithoutInitdb_ReturnsNull()
    {
        File.WriteAllText(Path.Combine(folder, "postgres"), string.Empty);

        Assert.Null(PostgresBinaries.FindDirectory(folder));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
