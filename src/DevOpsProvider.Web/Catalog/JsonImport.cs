using System.Text.Json;

namespace DevOpsProvider.Web.Catalog;

/// <summary>A JSON import: an array of components as the API takes them (an object with "components" is accepted too).</summary>
public static class JsonImport
{
    public static async Task<ImportFile> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(stream, ComponentEndpoints.JsonOptions, cancellationToken);
        }
        catch (JsonException e)
        {
            throw new ImportFileException($"the file is not valid JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("components", out var wrapped))
            {
                root = wrapped;
            }

            if (root.ValueKind != JsonValueKind.Array)
            {
                throw new ImportFileException("the file must hold a JSON array of components");
            }

            var items = new List<PositionedInput>(root.GetArrayLength());
            var position = 0;
            foreach (var element in root.EnumerateArray())
            {
                items.Add(new PositionedInput(++position, ComponentInput.FromJson(element)));
            }

            return new ImportFile(items, 0, ImportPosition.Item);
        }
    }
}
