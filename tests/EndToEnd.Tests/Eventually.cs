namespace AgentCore.Gateway.EndToEnd.Tests;

/// <summary>Polls for a state the system reaches asynchronously, failing with the last observation when it never does.</summary>
internal static class Eventually
{
    public static async Task<T> ReachesAsync<T>(
        Func<CancellationToken, Task<T>> observe, Func<T, bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        T last = default!;
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                last = await observe(deadline.Token);
                if (condition(last))
                {
                    return last;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        Assert.Fail($"The expected state was not reached within {timeout}. Last observation: {last}");
        return last;
    }
}
