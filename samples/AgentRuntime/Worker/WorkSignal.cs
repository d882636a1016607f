using System.Threading.Channels;

namespace AgentCore.Samples.AgentRuntime.Worker;

/// <summary>
/// A wake-up call for one background loop: setting it any number of times while the loop is busy wakes the loop's
/// next wait once, so a signal is never lost and never piles up.
/// </summary>
internal sealed class WorkSignal
{
    private readonly Channel<bool> pending = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Set() => pending.Writer.TryWrite(true);

    /// <summary>Waits until the signal is set or <paramref name="timeout"/> passes; true when it was set.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (pending.Reader.TryRead(out _))
        {
            return true;
        }

        using var timer = new CancellationTokenSource(timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await pending.Reader.ReadAsync(either.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>What wakes the task worker (a task was created) and the outbox relay (events were written).</summary>
internal sealed class WorkSignals
{
    public WorkSignal TasksChanged { get; } = new();

    public WorkSignal OutboxChanged { get; } = new();
}
