namespace AgentCore.Gateway.TestSupport;

/// <summary>The throw-away folders test servers keep their data in.</summary>
internal static class TempFolders
{
    public static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder the OS cleans eventually; never fail a test run over it.
        }
    }
}
