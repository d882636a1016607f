using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace AgentCore.Gateway.Edge.Mcp;

/// <summary>
/// Holds an MCP server's answer in memory, headers unsent, so the Edge can filter it, audit its outcome or turn an
/// error envelope into a JSON-RPC error before the client sees any of it. At most <c>limit</c> bytes: past that, writes
/// fail and <see cref="Overflowed"/> says why.
/// </summary>
internal sealed class CapturedResponseBody(int limit) : IHttpResponseBodyFeature, IAsyncDisposable
{
    private readonly BoundedStream stream = new(limit);
    private PipeWriter? writer;

    public Stream Stream => stream;

    public PipeWriter Writer => writer ??= PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));

    public bool Overflowed => stream.Overflowed;

    public ReadOnlyMemory<byte> Content => stream.Buffer.GetBuffer().AsMemory(0, (int)stream.Buffer.Length);

    public void DisableBuffering()
    {
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("An MCP answer is never a file.");

    public async Task CompleteAsync()
    {
        if (writer is not null)
        {
            await writer.FlushAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (writer is not null)
        {
            await writer.CompleteAsync();
        }

        await stream.DisposeAsync();
    }

    private sealed class BoundedStream(int limit) : Stream
    {
        public MemoryStream Buffer { get; } = new();

        public bool Overflowed { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Buffer.Length;
        public override long Position { get => Buffer.Length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Buffer.Length + buffer.Length > limit)
            {
                Overflowed = true;
                throw new IOException("The MCP server's answer is larger than the Edge inspects.");
            }

            Buffer.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
    }
}
