using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Edge.Authentication;

/// <summary>
/// Failed authentications per source address, as token buckets in this instance's memory (<see cref="AuthenticationFailureOptions"/>):
/// no Redis call per request, since a flood is what it must stay cheap against. Addresses that recover are forgotten.
/// </summary>
internal sealed class AuthenticationFailureThrottle(IOptions<AuthenticationFailureOptions> options, TimeProvider time)
{
    /// <summary>Requests without a peer address (in-process test servers) share one bucket.</summary>
    private static readonly IPAddress Unknown = IPAddress.IPv6None;

    private readonly ConcurrentDictionary<IPAddress, Bucket> buckets = new();
    private int sweeping;

    /// <summary>True when <paramref name="address"/> has no failures left; <paramref name="retryAfter"/> says until when.</summary>
    public bool IsThrottled(IPAddress? address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        return !buckets.IsEmpty && buckets.TryGetValue(address ?? Unknown, out var bucket)
            && bucket.IsEmpty(options.Value, time.GetTimestamp(), time.TimestampFrequency, out retryAfter);
    }

    /// <summary>Counts one failure of <paramref name="address"/>; true when it was the last one it had.</summary>
    public bool RecordFailure(IPAddress? address)
    {
        var settings = options.Value;
        var now = time.GetTimestamp();
        var key = address ?? Unknown;
        if (!buckets.TryGetValue(key, out var bucket))
        {
            if (buckets.Count >= settings.MaxAddresses)
            {
                Sweep(settings, now);
                if (buckets.Count >= settings.MaxAddresses)
                {
                    return false;
                }
            }

            bucket = buckets.GetOrAdd(key, static (_, state) => new Bucket(state.Limit, state.Now), (Limit: settings.PermitLimit, Now: now));
        }

        return bucket.Take(settings, now, time.TimestampFrequency);
    }

    /// <summary>Forgets addresses whose bucket has filled up again: they have nothing left to tell.</summary>
    private void Sweep(AuthenticationFailureOptions settings, long now)
    {
        if (Interlocked.Exchange(ref sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            foreach (var (address, bucket) in buckets)
            {
                if (bucket.IsFull(settings, now, time.TimestampFrequency))
                {
                    buckets.TryRemove(new KeyValuePair<IPAddress, Bucket>(address, bucket));
                }
            }
        }
        finally
        {
            Volatile.Write(ref sweeping, 0);
        }
    }

    private sealed class Bucket(int tokens, long stamp)
    {
        private readonly Lock gate = new();
        private double available = tokens;
        private long refilledAt = stamp;

        public bool Take(AuthenticationFailureOptions settings, long now, long frequency)
        {
            lock (gate)
            {
                Refill(settings, now, frequency);
                if (available < 1)
                {
                    return false;
                }

                available--;
                return available < 1;
            }
        }

        public bool IsEmpty(AuthenticationFailureOptions settings, long now, long frequency, out TimeSpan retryAfter)
        {
            lock (gate)
            {
                Refill(settings, now, frequency);
                retryAfter = available < 1 ? settings.ReplenishmentPeriod * ((1 - available) / settings.TokensPerPeriod) : TimeSpan.Zero;
                return available < 1;
            }
        }

        public bool IsFull(AuthenticationFailureOptions settings, long now, long frequency)
        {
            lock (gate)
            {
                Refill(settings, now, frequency);
                return available >= settings.PermitLimit;
            }
        }

        private void Refill(AuthenticationFailureOptions settings, long now, long frequency)
        {
            var elapsed = (double)(now - refilledAt) / frequency;
            refilledAt = now;
            if (elapsed > 0)
            {
                available = Math.Min(settings.PermitLimit, available + (elapsed / settings.ReplenishmentPeriod.TotalSeconds * settings.TokensPerPeriod));
            }
        }
    }
}
