namespace AgentCore.Gateway.EndToEnd.Tests;

/// <summary>
/// An exclusive lock on a file in the temp folder, held while a stack runs. The Edge and the dashboard have fixed
/// ports, and <c>dotnet test</c> runs test projects (and xunit runs collections) side by side: whoever holds the
/// lock runs a stack, the others wait their turn.
/// </summary>
internal sealed class GatewayStackLock : IDisposable
{
    private static readonly string LockPath = Path.Combine(Path.GetTempPath(), "agentcore-gateway-stack.lock");
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly FileStream file;

    private GatewayStackLock(FileStream file) => this.file = file;

    public static async Task<GatewayStackLock> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new GatewayStackLock(new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }

    public void Dispose() => file.Dispose();
}
