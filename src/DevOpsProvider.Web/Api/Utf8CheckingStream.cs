using System.Buffers;
using System.Text.Unicode;

namespace DevOpsProvider.Web.Api;

/// <summary>
/// Passes a body through while checking that it is UTF-8 text, so that JSON, CSV and YAML readers never decode
/// another encoding into replacement characters. A UTF-8 byte order mark is dropped (Excel writes one); a UTF-16 or
/// UTF-32 one, an invalid byte sequence or a NUL byte (never part of a text file; UTF-16 without a byte order mark
/// is full of them) throws <see cref="BodyEncodingException"/> naming the byte offset and line.
/// </summary>
/// <remarks>It does not own <c>inner</c>: disposing it leaves that stream to its owner.</remarks>
public sealed class Utf8CheckingStream(Stream inner) : Stream
{
    private readonly byte[] _carry = new byte[4];
    private readonly char[] _scratch = new char[2048];
    private int _carryLength;
    private byte[]? _head;
    private int _headOffset;
    private long _offset;
    private long _line = 1;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _offset; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_head is null)
        {
            var head = new byte[4];
            var length = 0;
            int n;
            while (length < head.Length && (n = inner.Read(head.AsSpan(length))) > 0)
            {
                length += n;
            }

            Start(head, length);
        }

        return Check(buffer, FromHead(buffer) is var fromHead and > 0 ? fromHead : inner.Read(buffer));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_head is null)
        {
            var head = new byte[4];
            var length = 0;
            int n;
            while (length < head.Length && (n = await inner.ReadAsync(head.AsMemory(length), cancellationToken)) > 0)
            {
                length += n;
            }

            Start(head, length);
        }

        var read = FromHead(buffer.Span);
        if (read == 0)
        {
            read = await inner.ReadAsync(buffer, cancellationToken);
        }

        return Check(buffer.Span, read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void Start(byte[] head, int length)
    {
        var bytes = head.AsSpan(0, length);
        var bom = bytes switch
        {
            [0xFF, 0xFE, 0x00, 0x00, ..] => "UTF-32 (little endian)",
            [0x00, 0x00, 0xFE, 0xFF, ..] => "UTF-32 (big endian)",
            [0xFF, 0xFE, ..] => "UTF-16 (little endian)",
            [0xFE, 0xFF, ..] => "UTF-16 (big endian)",
            _ => null,
        };
        if (bom is not null)
        {
            throw new BodyEncodingException(Utf8Body.BodyField, $"must be UTF-8 text: it starts with the byte order mark of {bom}; save the file as UTF-8");
        }

        var skip = bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0;
        _head = head[skip..length];
    }

    private int FromHead(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _head!.Length - _headOffset);
        _head.AsSpan(_headOffset, count).CopyTo(buffer);
        _headOffset += count;
        return count;
    }

    /// <summary>Checks the bytes just read, carrying an incomplete sequence at their end over to the next read.</summary>
    private int Check(Span<byte> buffer, int read)
    {
        var bytes = buffer[..read];
        var nul = bytes.IndexOf((byte)0);
        if (nul >= 0)
        {
            throw Invalid(_offset + nul, _line + bytes[..nul].Count((byte)'\n'), "holds a NUL byte");
        }

        var combined = ArrayPool<byte>.Shared.Rent(_carryLength + read);
        try
        {
            _carry.AsSpan(0, _carryLength).CopyTo(combined);
            bytes.CopyTo(combined.AsSpan(_carryLength));
            var source = combined.AsSpan(0, _carryLength + read);
            var start = _offset - _carryLength;
            var consumed = 0;
            while (true)
            {
                var status = Utf8.ToUtf16(source[consumed..], _scratch, out var used, out _, replaceInvalidSequences: false, isFinalBlock: read == 0);
                consumed += used;
                if (status == System.Buffers.OperationStatus.DestinationTooSmall)
                {
                    continue;
                }

                if (status == System.Buffers.OperationStatus.InvalidData)
                {
                    var line = _line + source[_carryLength..Math.Max(_carryLength, consumed)].Count((byte)'\n');
                    throw Invalid(start + consumed, line, $"has the byte 0x{source[consumed]:X2}, which does not belong to a valid UTF-8 sequence");
                }

                _carryLength = source.Length - consumed;
                source[consumed..].CopyTo(_carry);
                break;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(combined);
        }

        _line += bytes.Count((byte)'\n');
        _offset += read;
        return read;
    }

    private static BodyEncodingException Invalid(long offset, long line, string problem)
        => new(Utf8Body.BodyField, $"must be UTF-8 text: byte offset {offset} (line {line}) {problem}; save the file as UTF-8");
}
