using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using DevOpsProvider.Web.Catalog;

namespace DevOpsProvider.Web.Sync;

/// <summary>
/// Builds bulk request bodies of one scope within the count and byte budget. Each component is serialised once into
/// a scratch buffer, so the budget is checked before it joins the body; buffers are reused from batch to batch.
/// </summary>
public sealed class BulkBatch : IDisposable
{
    // The API takes plain JSON (not HTML): relaxed escaping keeps non-ASCII text and '<', '&' as they are, and small.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private static readonly byte[] Suffix = "]}"u8.ToArray();

    private readonly ArrayBufferWriter<byte> _body = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _scratch = new(8 * 1024);
    private readonly Utf8JsonWriter _scratchWriter;
    private readonly List<CatalogComponent> _components = [];
    private readonly string _arrayName;
    private readonly string _source;
    private readonly string _product;
    private readonly int _maxCount;
    private bool _finished;

    public BulkBatch(string arrayName, string source, string product, int maxBytes, int maxCount)
    {
        _arrayName = arrayName;
        _source = source;
        _product = product;
        MaxBytes = maxBytes;
        _maxCount = maxCount;
        _scratchWriter = new Utf8JsonWriter(_scratch, WriterOptions);
    }

    /// <summary>Byte budget of the body; lowered after Jira answered 413.</summary>
    public int MaxBytes { get; set; }

    public string? Scope { get; private set; }

    public IReadOnlyList<CatalogComponent> Components => _components;

    public int Count => _components.Count;

    /// <summary>Empties the batch and starts a body for <paramref name="scope"/>.</summary>
    public void Start(string scope)
    {
        _components.Clear();
        _body.ResetWrittenCount();
        _finished = false;
        Scope = scope;
        using var writer = new Utf8JsonWriter(_body, WriterOptions);
        writer.WriteStartObject();
        // properties identify our data in the site, so bulkByProperties can remove all of it or one scope of it.
        writer.WriteStartObject("properties");
        writer.WriteString("source", _source);
        writer.WriteString("scope", scope);
        writer.WriteEndObject();
        writer.WriteStartObject("providerMetadata");
        writer.WriteString("product", _product);
        writer.WriteEndObject();
        writer.WriteStartArray(_arrayName);
        writer.Flush();
    }

    /// <summary>Adds the component unless the batch is full; an empty batch always takes one.</summary>
    public bool TryAdd(CatalogComponent component)
    {
        _scratch.ResetWrittenCount();
        _scratchWriter.Reset(_scratch);
        ComponentJson.Write(_scratchWriter, component);
        _scratchWriter.Flush();
        var size = _scratch.WrittenCount;
        if (_components.Count > 0
            && (_components.Count >= _maxCount || (long)_body.WrittenCount + 1 + size + Suffix.Length > MaxBytes))
        {
            return false;
        }

        if (_components.Count > 0)
        {
            _body.Write(","u8);
        }

        _body.Write(_scratch.WrittenSpan);
        _components.Add(component);
        return true;
    }

    /// <summary>The finished request body; valid until the next Start.</summary>
    public ReadOnlyMemory<byte> Body()
    {
        if (!_finished)
        {
            _body.Write(Suffix);
            _finished = true;
        }

        return _body.WrittenMemory;
    }

    public void Dispose() => _scratchWriter.Dispose();
}
