using System.Diagnostics.Metrics;

namespace AgentCore.Gateway.Audit.Ingestion;

/// <summary>The ingestion instruments, on a meter the service defaults export (prefix <c>AgentCore.Gateway.</c>).</summary>
internal sealed class IngestionMetrics
{
    public const string MeterName = "AgentCore.Gateway.Audit";

    private readonly Counter<long> ingested;
    private readonly Counter<long> duplicates;
    private readonly Counter<long> deadLettered;
    private readonly Histogram<double> writeDuration;
    private long pending;
    private long lag;
    private long streamLength;

    public IngestionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        ingested = meter.CreateCounter<long>("audit_events_ingested", description: "Audit events stored for the first time.");
        duplicates = meter.CreateCounter<long>("audit_events_duplicate", description: "Audit events delivered again and skipped because already stored.");
        deadLettered = meter.CreateCounter<long>("audit_events_dead_lettered", description: "Stream entries that were not valid audit events.");
        writeDuration = meter.CreateHistogram<double>("audit_write_duration", unit: "s", description: "Time to commit one batch to PostgreSQL.");
        meter.CreateObservableGauge("audit_consumer_pending", () => Volatile.Read(ref pending), description: "Entries delivered to the consumer group but not yet acknowledged.");
        meter.CreateObservableGauge("audit_consumer_lag", () => Volatile.Read(ref lag), description: "Entries in the stream not yet delivered to the consumer group.");
        meter.CreateObservableGauge("audit_stream_length", () => Volatile.Read(ref streamLength), description: "Entries in the audit stream.");
    }

    /// <summary>A committed batch: of the entries received, the ones neither stored nor dead-lettered were duplicates.</summary>
    public void BatchWritten(int stored, int received, int deadLetters, TimeSpan duration)
    {
        ingested.Add(stored);
        duplicates.Add(received - stored - deadLetters);
        deadLettered.Add(deadLetters);
        writeDuration.Record(duration.TotalSeconds);
    }

    public void Sampled(long pendingEntries, long undeliveredEntries, long length)
    {
        Volatile.Write(ref pending, pendingEntries);
        Volatile.Write(ref lag, undeliveredEntries);
        Volatile.Write(ref streamLength, length);
    }
}
