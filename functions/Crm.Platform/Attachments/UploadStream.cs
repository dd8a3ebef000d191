using System.Security.Cryptography;
using Crm.Domain.Attachments;
using Crm.Domain.Common;

namespace Crm.Platform.Attachments;

/// <summary>
/// What an upload's bytes pass through on their way to Blob Storage: the head already read (for sniffing), then the
/// rest of the body, hashed (SHA-256) and counted as they go. Past <see cref="Limit"/> it throws the 413, so an
/// over-long file is refused after at most one block more than it may have, and nothing of it is committed.
/// </summary>
public sealed class UploadStream(ReadOnlyMemory<byte> head, Stream rest, long limit, string limitCode, string limitMessage) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int _headOffset;

    public long Limit => limit;
    public long BytesRead { get; private set; }

    /// <summary>Lower-case hex SHA-256 of everything read; only meaningful once the stream has been read to its end.</summary>
    public string Sha256() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        if (_headOffset < head.Length)
        {
            read = Math.Min(buffer.Length, head.Length - _headOffset);
            head.Slice(_headOffset, read).CopyTo(buffer);
            _headOffset += read;
        }
        else
        {
            read = await rest.ReadAsync(buffer, cancellationToken);
        }
        BytesRead += read;
        if (BytesRead > limit)
        {
            throw new PayloadTooLargeException(limitCode, limitMessage);
        }
        _hash.AppendData(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>Reads up to <see cref="ContentSniffer.HeadLength"/> bytes: the head to sniff, and whether it is the whole file.</summary>
    public static async Task<(byte[] Head, bool Complete)> ReadHeadAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[ContentSniffer.HeadLength];
        var filled = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        return (buffer[..filled], filled < buffer.Length);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }
}
