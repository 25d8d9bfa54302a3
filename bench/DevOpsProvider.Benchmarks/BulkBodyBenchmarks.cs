using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using DevOpsProvider.Web.Catalog;

namespace DevOpsProvider.Benchmarks;

/// <summary>
/// One bulk submission body of 1000 components (Jira's maximum per request) written with ComponentJson, as sync
/// writes it: {"components":[...],"properties":{...}} into a reused buffer and a reused Utf8JsonWriter.
/// </summary>
public class BulkBodyBenchmarks : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512 * 1024);
    private CatalogComponent[] _components = [];
    private Utf8JsonWriter? _writer;

    [GlobalSetup]
    public void Setup()
    {
        var updated = new DateTime(2025, 11, 3, 10, 15, 30, 123, DateTimeKind.Utc);
        _components = [.. Enumerable.Range(0, 1000).Select(i => new CatalogComponent
        {
            Id = $"component:default/payments-service-{i:D5}",
            Name = $"Payments service {i}",
            ProviderName = "Acme Service Catalog",
            Description = $"Handles card payments and refunds for region {i % 17}; owned by the payments team.",
            Url = $"https://catalog.acme.example/catalog/default/component/payments-service-{i:D5}",
            AvatarUrl = "https://catalog.acme.example/static/avatars/service.png",
            Tier = $"Tier {1 + (i % 4)}",
            ComponentType = i % 3 == 0 ? "Service" : "Library",
            LastUpdated = updated.AddMinutes(i),
            Version = 1_762_164_930_123 + i,
        })];
        _writer = new Utf8JsonWriter(_buffer);
    }

    [Benchmark(Description = "bulk body: 1000 components")]
    public int Write1000()
    {
        _buffer.ResetWrittenCount();
        var writer = _writer!;
        writer.Reset(_buffer);
        writer.WriteStartObject();
        writer.WriteStartArray("components");
        foreach (var component in _components)
        {
            ComponentJson.Write(writer, component);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("properties");
        writer.WriteString("scope", "default");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        return _buffer.WrittenCount;
    }

    public void Dispose()
    {
        _writer?.Dispose();
        GC.SuppressFinalize(this);
    }
}
